/**
 * The embedded chain (DESIGN §7): anvil from the npm `@foundry-rs/anvil` package, started by the relay on a free
 * port when no `RPC_URL` is set. Its state is dumped to and loaded from `<dataDir>/anvil-state.json`, so a restart
 * finds the contracts it deployed. The native binary is spawned directly (not the npm wrapper script) so that
 * stopping kills the one process there is: no orphan survives Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChainError } from './chainError.ts';

/** A running anvil. */
export interface AnvilHandle {
  rpcUrl: string;
  chainId: number;
  pid: number;
  /** Stops anvil (SIGTERM, dumping its state; SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface StartAnvilOptions {
  /** Folder for the state file; omitted: the chain lives in memory only. */
  dataDir?: string;
  /** Port; default a free one. */
  port?: number;
  chainId?: number;
}

function anvilBinary(): string {
  const native = fileURLToPath(new URL(`../../node_modules/@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}/bin/anvil`, import.meta.url));
  if (existsSync(native)) return native;
  return fileURLToPath(new URL('../../node_modules/.bin/anvil', import.meta.url));
}

/** A TCP port nobody listens on right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ChainError('anvil_start_failed', `anvil exited with code ${child.exitCode} before answering on ${rpcUrl}`);
    try {
      const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ChainError('anvil_start_failed', `expected anvil to answer on ${rpcUrl} within ${timeoutMs} ms`);
}

/**
 * Starts anvil and resolves once it answers JSON-RPC.
 * @throws {ChainError} `anvil_start_failed`.
 * @example
 * const anvil = await startAnvil({ dataDir: '.data' });
 * // … anvil.rpcUrl …
 * await anvil.stop();
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilHandle> {
  const port = options.port ?? (await findFreePort());
  const chainId = options.chainId ?? 31337;
  const args = ['--port', String(port), '--host', '127.0.0.1', '--chain-id', String(chainId), '--silent'];
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--state', join(options.dataDir, 'anvil-state.json'));
  }
  const child = spawn(anvilBinary(), args, { stdio: 'ignore' });
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(rpcUrl, child, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', onExit);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    rpcUrl,
    chainId,
    pid: child.pid!,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        process.off('exit', onExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopping;
    },
  };
}
