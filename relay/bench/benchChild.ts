/**
 * The ingest benchmark's child processes (publisher, probes, simulated fleet) and the flow-controlled timing
 * every throughput case shares: each child runs under `tsx`, answers over IPC and says `{ ready: true }` once
 * started, so that its work never competes with the relay's event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { BenchMessage } from './benchPublisher.ts';

export type Reply = Record<string, unknown>;

export interface BenchChild<Message> {
  child: ChildProcess;
  /** Sends `message` and resolves with the first reply holding `key` (rejects on a `failed` reply). */
  request(message: Message, key: string): Promise<Reply>;
  send(message: Message): void;
  /** Resolves with the first reply holding `key` without sending anything. */
  next(key: string): Promise<Reply>;
}

/** Forks `file` (relative to this folder) with `env` added to the environment. */
export function forkBenchChild<Message>(file: string, env: Record<string, string>): Promise<BenchChild<Message>> {
  const child = fork(new URL(file, import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env } });
  const waiting = new Map<string, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  child.on('message', (reply: Reply) => {
    for (const [key, { resolve, reject }] of waiting) {
      if (key in reply || 'failed' in reply) {
        waiting.delete(key);
        if ('failed' in reply) reject(new Error(`${file}: ${String(reply.failed)}`));
        else resolve(reply);
      }
    }
  });
  const next = (key: string) => new Promise<Reply>((resolve, reject) => waiting.set(key, { resolve, reject }));
  const api: BenchChild<Message> = {
    child,
    request: (message, key) => {
      const reply = next(key);
      child.send(message as object);
      return reply;
    },
    send: (message) => void child.send(message as object),
    next,
  };
  return next('ready').then(() => api);
}

/**
 * Runs a flow-controlled publish (never more than `window` messages ahead of `consumedCount()`) and resolves with
 * messages/s once `consumedCount()` reaches `total`.
 */
export async function timedFlow(publisher: BenchChild<BenchMessage>, total: number, consumedCount: () => number, window: number): Promise<number> {
  const started = performance.now();
  const timer = setInterval(() => publisher.send({ cmd: 'consumed', count: consumedCount() }), 10);
  const published = publisher.request({ cmd: 'go', mode: 'flow', window }, 'published');
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const check = setInterval(() => {
      if (consumedCount() >= total) {
        clearInterval(check);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(check);
        reject(new Error(`only ${consumedCount()} of ${total} consumed within 60 s`));
      }
    }, 2);
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  await published;
  return total / seconds;
}
