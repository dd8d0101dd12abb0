/**
 * The independent subscriber of the fleet tests, run in a child process (collectorProcess.ts) so that the
 * meters' work in this process never stops it reading its socket.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CollectorReport } from './collectorProcess.ts';

export interface RemoteCollector {
  /** What the subscriber holds for these meters (address → last seq the meter wrote). */
  check(lastSeqs: Record<string, number>): Promise<CollectorReport>;
  /** Polls {@link check} until every record is there or `timeoutMs` passes; returns the last report. */
  waitForComplete(lastSeqs: Record<string, number>, timeoutMs: number): Promise<CollectorReport>;
  /** Clears the retained status of these meters on the broker (an empty retained message, MQTT-3.1.1 §3.3.1.3). */
  clearRetained(addresses: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the child, connects it and subscribes it; resolves once it is subscribed. */
export async function startRemoteCollector(url: string, clientId: string, addresses: string[]): Promise<RemoteCollector> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./collectorProcess.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: ((message: any) => void)[] = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const ask = (message: unknown) =>
    new Promise<any>((resolve, reject) => {
      waiting.push(resolve);
      child.send(message as object, (error) => error && reject(error));
    });
  await ask({ type: 'start', url, clientId, addresses });
  const remote: RemoteCollector = {
    async check(lastSeqs) {
      return (await ask({ type: 'check', lastSeqs })).report as CollectorReport;
    },
    async waitForComplete(lastSeqs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let report = await remote.check(lastSeqs);
      while (!report.isComplete && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        report = await remote.check(lastSeqs);
      }
      return report;
    },
    async clearRetained(addresses) {
      await ask({ type: 'clearRetained', addresses });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
  return remote;
}
