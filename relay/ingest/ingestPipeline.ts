/**
 * The ingest pipeline: a bounded queue of delivered messages and one loop that takes them in batches through
 * check → store → acknowledge → announce. Handlers run when a message arrives (decode, digest, start the
 * signature check), so verification of the next batch overlaps the database write of the current one.
 *
 * Delivery contract: a message's `ack` (its PUBACK) is called only after the transaction that stores it — or
 * stores its rejection — has committed. A batch that fails to store is retried; its messages stay
 * unacknowledged, and the broker redelivers them if the relay dies meanwhile. After the commit, `onDelivery`
 * learns where each meter of the batch stands, to acknowledge it end to end and repair gaps (ADR 0303).
 */
import type { RelayConfig } from '../config/relayConfig.ts';
import type { RelayEventBus, StoredRecord } from '../events/relayEventBus.ts';
import type { Logger } from '../ops/logger.ts';
import type { RelayMetrics } from '../ops/metrics.ts';
import { loadChainContext } from '../store/chainContext.ts';
import { payloadExcerpt, safeText } from '../store/payloadExcerpt.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { type AcceptedRecord, type RejectionRow, type StatusRow, writeIngestBatch } from '../store/writeIngestBatch.ts';
import { checkChain, type ChainCandidate } from '../verify/checkChain.ts';
import type { SealVerifierPool } from '../verify/sealVerifierPool.ts';
import type { BatchDeliveryListener, RecordArrival } from './batchDelivery.ts';
import type { IngestOutcome } from './handlers/ingestOutcome.ts';
import { routeMessage } from './routeMessage.ts';

/** One message from the broker with the means to acknowledge it. */
export interface DeliveredMessage {
  topic: string;
  payload: Uint8Array;
  /** Sends the PUBACK (a no-op for QoS 0). Called once, after the message's fate is durable. */
  ack(): void;
}

export interface IngestPipeline {
  /** Queues a message; handlers run now. */
  push(message: DeliveredMessage): void;
  /** True while the queue is below its bound. */
  hasRoom(): boolean;
  /** Resolves when the queue is below its bound again. */
  waitForRoom(): Promise<void>;
  /** Resolves when every queued message has been stored and acknowledged. */
  drain(): Promise<void>;
  /** Drains, then stops the loop. Messages that cannot be stored stay unacknowledged. */
  stop(): Promise<void>;
  /** Messages queued or in the batch being written. */
  depth(): number;
}

interface QueuedMessage {
  message: DeliveredMessage;
  outcome: IngestOutcome;
  /** `Date.now()` when the message was pushed: the start of its acknowledgement latency. */
  arrivalMs: number;
}

export interface IngestPipelineOptions {
  config: Pick<RelayConfig, 'queueMaxRecords' | 'batchMaxRecords' | 'clockSkewS' | 'unknownMeterPolicy' | 'topicPrefix'>;
  db: RelayDatabase;
  verifier: SealVerifierPool;
  events: RelayEventBus;
  metrics: RelayMetrics;
  logger: Logger;
  /** Relay clock, Unix seconds (tests move it). */
  nowS?: () => number;
  /** Told after each committed batch where its meters stand (end-to-end acknowledgement, gap repair). */
  onDelivery?: BatchDeliveryListener;
}

const knownKinds = new Set(['sample', 'seal', 'status', 'cmd']);
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

export function startIngestPipeline(options: IngestPipelineOptions): IngestPipeline {
  const { config, db, verifier, events, metrics, logger } = options;
  const nowS = options.nowS ?? (() => Math.floor(Date.now() / 1000));
  let queue: QueuedMessage[] = [];
  let inBatch = 0;
  let isStopping = false;
  let wakeLoop: (() => void) | undefined;
  let roomWaiters: (() => void)[] = [];
  let drainWaiters: (() => void)[] = [];

  const depth = () => queue.length + inBatch;

  function route(message: DeliveredMessage): IngestOutcome {
    try {
      return routeMessage(message.topic, message.payload, config.topicPrefix, verifier);
    } catch (error) {
      return { type: 'reject', code: 'malformed_json', reason: `unreadable payload (${(error as Error).message})`, meter: null, seq: null };
    }
  }

  async function resolveSignatures(batch: QueuedMessage[]): Promise<void> {
    for (const item of batch) {
      if (item.outcome.type !== 'record' || item.outcome.signatureCheck === undefined) continue;
      let failure;
      try {
        failure = await item.outcome.signatureCheck;
      } catch (error) {
        // The verifier failed, not the seal: check again on the next attempt.
        if (item.outcome.record.kind === 'seal') item.outcome.signatureCheck = verifier.verify(item.outcome.record);
        throw error;
      }
      if (failure !== null) {
        item.outcome = { type: 'reject', code: failure.code, reason: failure.reason, meter: item.outcome.record.meter, seq: item.outcome.record.seq };
      }
    }
  }

  function rejectionRow(item: QueuedMessage, code: string, reason: string, meter: string | null, seq: number | null): RejectionRow {
    return { topic: safeText(item.message.topic, 256), meter, seq, code, reason: safeText(reason, 512), payloadExcerpt: payloadExcerpt(item.message.payload), payloadBytes: item.message.payload.length };
  }

  async function storeBatch(batch: QueuedMessage[]): Promise<void> {
    await resolveSignatures(batch);
    const started = process.hrtime.bigint();
    const candidates: ChainCandidate[] = [];
    const candidateItems: QueuedMessage[] = [];
    const rejections: RejectionRow[] = [];
    const statuses: StatusRow[] = [];
    for (const item of batch) {
      const outcome = item.outcome;
      if (outcome.type === 'record') {
        candidates.push({ record: outcome.record, digest: outcome.digest });
        candidateItems.push(item);
      } else if (outcome.type === 'reject') rejections.push(rejectionRow(item, outcome.code, outcome.reason, outcome.meter, outcome.seq));
      else if (outcome.type === 'status') statuses.push(outcome.status);
    }
    const context = await loadChainContext(db, candidates.map((candidate) => ({ meter: candidate.record.meter, seq: candidate.record.seq })));
    const now = nowS();
    const verdicts = checkChain(candidates, context, { nowS: now, clockSkewS: config.clockSkewS, unknownMeterPolicy: config.unknownMeterPolicy });
    const accepted: AcceptedRecord[] = [];
    const acceptedArrivalMs = new Map<AcceptedRecord, number>();
    const duplicateKinds: string[] = [];
    const arrivals = new Map<string, RecordArrival[]>();
    const addArrival = (meter: string, arrival: RecordArrival) => {
      const list = arrivals.get(meter);
      if (list === undefined) arrivals.set(meter, [arrival]);
      else list.push(arrival);
    };
    const unregisteredMeters = new Set<string>();
    verdicts.forEach((verdict, index) => {
      const item = candidateItems[index]!;
      const { record, digest } = candidates[index]!;
      if (verdict.status === 'accept') {
        const acceptedRecord = { record, digest, zone: verdict.zone, isRegisteredMeter: verdict.isRegisteredMeter, topic: item.message.topic, payload: item.message.payload };
        accepted.push(acceptedRecord);
        acceptedArrivalMs.set(acceptedRecord, item.arrivalMs);
        if (!context.meters.has(record.meter)) unregisteredMeters.add(record.meter);
        metrics.recordAgeSeconds.observe(now - (record.kind === 'sample' ? record.timeS : record.endS));
      } else if (verdict.status === 'duplicate') {
        duplicateKinds.push(record.kind);
        addArrival(record.meter, { seq: record.seq, arrivalMs: item.arrivalMs });
      } else rejections.push(rejectionRow(item, verdict.code, verdict.reason, record.meter, record.seq));
    });
    const duplicateMeters = [...arrivals.keys()];
    const result = await writeIngestBatch(db, { accepted, rejections, statuses, unregisteredMeters: [...unregisteredMeters], duplicateMeters, priorHeads: context.heads });
    metrics.dbBatchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    metrics.dbBatchRecords.observe(batch.length);

    for (const item of batch) item.message.ack();

    for (const stored of result.stored) metrics.recordsStored.inc({ kind: stored.record.kind });
    for (const kind of duplicateKinds) metrics.recordsDuplicate.inc({ kind });
    for (const duplicate of result.duplicates) metrics.recordsDuplicate.inc({ kind: duplicate.record.kind });
    metrics.chainGaps.inc(result.gaps.length);
    metrics.recordsResent.inc(duplicateKinds.length + result.duplicates.length + result.recordsFilled);
    metrics.gapsOpened.inc(result.gapsOpened.length);
    metrics.gapsClosed.inc(result.gapsClosed.length);
    metrics.gapsAbandoned.inc(result.abandoned.length);
    const allRejections = [...rejections, ...result.lateRejections];
    for (const rejection of allRejections) metrics.recordsRejected.inc({ code: rejection.code });
    if (result.gaps.length > 0) logger.info({ gaps: result.gaps.slice(0, 10), count: result.gaps.length }, 'chain gaps detected');
    if (result.abandoned.length > 0) logger.warn({ ranges: result.abandoned.slice(0, 10), count: result.abandoned.length }, 'records recorded as gone for good: the meter no longer holds them');
    if (options.onDelivery !== undefined && result.positions.length > 0) {
      for (const stored of [...result.stored, ...result.duplicates]) addArrival(stored.record.meter, { seq: stored.record.seq, arrivalMs: acceptedArrivalMs.get(stored) ?? Date.now() });
      const onDelivery = options.onDelivery;
      emitSafely(() => onDelivery({ positions: result.positions, arrivals }));
    }
    if (result.stored.length > 0) {
      const storedRecords: StoredRecord[] = result.stored.map((a) => ({ record: a.record, digest: a.digest, zone: a.zone, isRegisteredMeter: a.isRegisteredMeter }));
      emitSafely(() => events.emit('records-stored', storedRecords));
    }
    for (const rejection of allRejections) {
      emitSafely(() => events.emit('record-rejected', { code: rejection.code, reason: rejection.reason, topic: rejection.topic, ...(rejection.meter === null ? {} : { meter: rejection.meter }) }));
    }
  }

  function emitSafely(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      logger.error({ err: error }, 'an event listener threw; the batch is stored and acknowledged regardless');
    }
  }

  function notifyProgress(): void {
    metrics.queueDepth.set(depth());
    if (queue.length < config.queueMaxRecords && roomWaiters.length > 0) {
      const waiters = roomWaiters;
      roomWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
    if (depth() === 0 && drainWaiters.length > 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  async function loop(): Promise<void> {
    let retryMs = RETRY_MIN_MS;
    for (;;) {
      if (queue.length === 0) {
        if (isStopping) return;
        await new Promise<void>((resolve) => (wakeLoop = resolve));
        wakeLoop = undefined;
        continue;
      }
      const batch = queue.slice(0, config.batchMaxRecords);
      queue = queue.slice(batch.length);
      inBatch = batch.length;
      notifyProgress();
      for (;;) {
        try {
          await storeBatch(batch);
          retryMs = RETRY_MIN_MS;
          break;
        } catch (error) {
          if (isStopping && isAbandoned) {
            logger.warn({ records: batch.length + queue.length }, 'stopping with unstored messages; they stay unacknowledged and the broker will redeliver them');
            inBatch = 0;
            queue = [];
            notifyProgress();
            return;
          }
          logger.error({ err: error, records: batch.length, retryInMs: retryMs }, 'storing a batch failed; retrying (messages stay unacknowledged)');
          await new Promise((resolve) => setTimeout(resolve, retryMs));
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        }
      }
      inBatch = 0;
      notifyProgress();
    }
  }

  let isAbandoned = false;
  const loopDone = loop();

  return {
    push(message) {
      const lastLevel = message.topic.slice(message.topic.lastIndexOf('/') + 1);
      metrics.recordsReceived.inc({ kind: knownKinds.has(lastLevel) ? lastLevel : 'other' }); // bounded label values
      queue.push({ message, outcome: route(message), arrivalMs: Date.now() });
      metrics.queueDepth.set(depth());
      wakeLoop?.();
    },
    hasRoom: () => queue.length < config.queueMaxRecords,
    waitForRoom() {
      if (queue.length < config.queueMaxRecords) return Promise.resolve();
      return new Promise((resolve) => roomWaiters.push(resolve));
    },
    drain() {
      if (depth() === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    async stop() {
      isStopping = true;
      wakeLoop?.();
      // Give a failing database a bounded time, then leave the rest to the broker's redelivery.
      const giveUp = setTimeout(() => (isAbandoned = true), 10_000);
      await loopDone;
      clearTimeout(giveUp);
      const waiters = [...roomWaiters, ...drainWaiters];
      roomWaiters = [];
      drainWaiters = [];
      waiters.forEach((resolve) => resolve());
    },
    depth,
  };
}
