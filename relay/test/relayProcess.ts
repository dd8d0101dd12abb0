/**
 * Runs the relay as a child process exactly as an operator would (`node bin/peer-energy-trader.js relay`), for
 * the crash and restart tests. Resolves once the relay logs "relay started" (the child always logs at info).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RelayProcess {
  child: ChildProcess;
  /** Everything the process wrote (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<string>;
}

export function spawnRelay(env: Record<string, string>, timeoutMs = 60_000): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['bin/peer-energy-trader.js', 'relay'], { cwd: repoRoot, env: { ...process.env, ...env, PET_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"relay started"')) {
        clearTimeout(timer);
        resolve({ child, output: () => output, exited });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${how}) before starting:\n${output}`));
    });
  });
}

/** The relay's HTTP base URL from its "relay started" line (`http` field), or undefined when it runs without HTTP. */
export function relayHttpUrl(relay: RelayProcess): string | undefined {
  const line = relay.output().split('\n').find((text) => text.includes('"msg":"relay started"'));
  // A regular expression rather than JSON.parse: the line may still lack its end when the start resolves.
  return line === undefined ? undefined : /"http":"([^"]+)"/.exec(line)?.[1];
}

/** SIGTERM (drain, store, acknowledge), then SIGKILL after `graceMs`; resolves with the exit code or signal name. */
export async function stopRelay(relay: RelayProcess, graceMs = 15_000): Promise<string> {
  if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill('SIGTERM');
  const forced = setTimeout(() => relay.child.kill('SIGKILL'), graceMs);
  const how = await relay.exited;
  clearTimeout(forced);
  return how;
}
