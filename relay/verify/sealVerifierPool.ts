/**
 * Seal signatures are the relay's costliest check (one secp256k1 public-key recovery each), so they run in
 * worker threads, batched: seals submitted in the same turn of the event loop travel to a worker together,
 * up to `batchMax` per message, to the worker with the fewest seals outstanding.
 */
import { Worker } from 'node:worker_threads';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import type { VerifyFailure, VerifyRequest, VerifyResponse } from './sealVerifyWorker.ts';

export interface SealVerifierPool {
  /**
   * Resolves to `null` when the seal is signed by its meter, else the failure code and reason. Rejects only when
   * the verifier itself failed (then the seal is neither accepted nor refused).
   */
  verify(seal: SealRecord): Promise<VerifyFailure | null>;
  close(): Promise<void>;
}

export interface SealVerifierPoolOptions {
  workers: number;
  batchMax: number;
  /** Called with each batch's size and round-trip time, for metrics. */
  onBatch?: (size: number, durationS: number) => void;
}

interface WorkerSlot {
  worker: Worker;
  outstanding: number;
  pending: Map<number, { resolvers: ((failure: VerifyFailure | null) => void)[]; rejecters: ((error: Error) => void)[]; startedNs: bigint }>;
}

const workerUrl = new URL('./sealVerifyWorker.ts', import.meta.url);

/**
 * The worker is TypeScript: a tiny bootstrap registers tsx inside the worker, then loads it. (A worker does not
 * inherit loader hooks registered with `tsx/esm/api`, which is how `bin/peer-energy-trader.js` starts.)
 */
const workerBootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); })`;

/** Starts `workers` threads. @example const pool = startSealVerifierPool({ workers: 2, batchMax: 256 }); */
export function startSealVerifierPool(options: SealVerifierPoolOptions): SealVerifierPool {
  const slots: WorkerSlot[] = [];
  let nextId = 1;
  let waiting: { seal: SealRecord; resolve: (failure: VerifyFailure | null) => void; reject: (error: Error) => void }[] = [];
  let isFlushScheduled = false;
  let isClosed = false;

  function spawn(slot: WorkerSlot): void {
    slot.worker = new Worker(workerBootstrap, { eval: true });
    slot.worker.on('message', (response: VerifyResponse) => {
      const entry = slot.pending.get(response.id);
      if (entry === undefined) return;
      slot.pending.delete(response.id);
      slot.outstanding -= entry.resolvers.length;
      options.onBatch?.(entry.resolvers.length, Number(process.hrtime.bigint() - entry.startedNs) / 1e9);
      entry.resolvers.forEach((resolve, index) => resolve(response.failures[index] ?? null));
    });
    slot.worker.on('error', (error) => {
      // A dead worker is an infrastructure fault, not a verdict on the seals: their promises reject, the
      // pipeline keeps them unacknowledged and retries, and a fresh worker takes the slot.
      for (const entry of slot.pending.values()) entry.rejecters.forEach((reject) => reject(new Error(`seal verifier worker failed: ${error.message}`)));
      slot.pending.clear();
      slot.outstanding = 0;
      if (!isClosed) spawn(slot);
    });
  }

  for (let i = 0; i < options.workers; i++) {
    const slot = { outstanding: 0, pending: new Map() } as unknown as WorkerSlot;
    spawn(slot);
    slots.push(slot);
  }

  function flush(): void {
    isFlushScheduled = false;
    while (waiting.length > 0) {
      const chunk = waiting.slice(0, options.batchMax);
      waiting = waiting.slice(options.batchMax);
      const slot = slots.reduce((best, candidate) => (candidate.outstanding < best.outstanding ? candidate : best));
      const id = nextId++;
      slot.pending.set(id, { resolvers: chunk.map((entry) => entry.resolve), rejecters: chunk.map((entry) => entry.reject), startedNs: process.hrtime.bigint() });
      slot.outstanding += chunk.length;
      const request: VerifyRequest = { id, seals: chunk.map((entry) => entry.seal) };
      slot.worker.postMessage(request);
    }
  }

  return {
    verify(seal) {
      if (isClosed) return Promise.reject(new Error('seal verifier pool is closed'));
      return new Promise((resolve, reject) => {
        waiting.push({ seal, resolve, reject });
        if (!isFlushScheduled) {
          isFlushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {
      isClosed = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
