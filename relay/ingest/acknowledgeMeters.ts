/**
 * End-to-end acknowledgement (docs/protocol.md §4.1, ADR 0303): after each committed batch, one
 * `{"cmd":"ack","uptoSeq":N,"digest":"…"}` per meter the batch touched, N being the highest stored seq at or
 * below the meter's watermark. A meter releases records from its flash only on such an ack.
 *
 * Coalesced per meter: at most one ack publish outstanding (until the broker's PUBACK); a newer value replaces
 * a pending one. Memory is one small entry per meter with something pending, plus — for latency only — the
 * arrival times of at most {@link MAX_WAITING_PER_METER} records per meter stored above a gap, plus the last
 * value sent per meter (so that records arriving above a hole do not repeat an unchanged ack).
 */
import { encodeAckCommand } from '../../shared/protocol/meterCommands.ts';
import type { Logger } from '../ops/logger.ts';
import type { RelayMetrics } from '../ops/metrics.ts';
import type { BatchDelivery, RecordArrival } from './batchDelivery.ts';
import type { MeterCommandChannel } from './meterCommandChannel.ts';

/** Records above a gap whose arrival is remembered per meter (the meter's ack window is 64 by default). */
export const MAX_WAITING_PER_METER = 128;
/** Meters whose last sent ack is remembered (to skip repeating it); beyond this the memory starts over. */
const MAX_REMEMBERED_METERS = 100_000;

interface AckEntry {
  /** The newest ack not yet published. */
  pending: { uptoSeq: number; digest: string } | undefined;
  /** Arrival of the oldest record the pending ack covers. */
  coveredSinceMs: number | undefined;
  /** Records stored above the watermark: covered by a later ack. Sorted by seq. */
  waiting: RecordArrival[];
  isPublishing: boolean;
}

export interface MeterAcknowledger {
  /** Takes a committed batch's positions; publishes at once where nothing is outstanding. */
  afterBatch(delivery: BatchDelivery): void;
  /** Meters with an entry (something pending, outstanding or waiting): the memory in use. */
  trackedMeters(): number;
}

export interface MeterAcknowledgerOptions {
  channel: Pick<MeterCommandChannel, 'send'>;
  metrics: Pick<RelayMetrics, 'acksSent' | 'ackLatencySeconds'>;
  logger: Logger;
  /** Wall clock in ms (tests). */
  nowMs?: () => number;
}

/** @example const acknowledger = createMeterAcknowledger({ channel, metrics, logger }); pipeline option onDelivery: acknowledger.afterBatch */
export function createMeterAcknowledger(options: MeterAcknowledgerOptions): MeterAcknowledger {
  const nowMs = options.nowMs ?? Date.now;
  const entries = new Map<string, AckEntry>();
  /** uptoSeq of the last ack handed to the broker, per meter. */
  const lastSent = new Map<string, number>();

  function entryOf(meter: string): AckEntry {
    let entry = entries.get(meter);
    if (entry === undefined) {
      entry = { pending: undefined, coveredSinceMs: undefined, waiting: [], isPublishing: false };
      entries.set(meter, entry);
    }
    return entry;
  }

  function cover(entry: AckEntry, arrivalMs: number): void {
    if (entry.coveredSinceMs === undefined || arrivalMs < entry.coveredSinceMs) entry.coveredSinceMs = arrivalMs;
  }

  function publish(meter: string, entry: AckEntry): void {
    const ack = entry.pending;
    if (entry.isPublishing || ack === undefined) return;
    entry.pending = undefined;
    const atMs = nowMs();
    if (entry.coveredSinceMs !== undefined) options.metrics.ackLatencySeconds.observe(Math.max(0, atMs - entry.coveredSinceMs) / 1000);
    entry.coveredSinceMs = undefined;
    entry.isPublishing = true;
    if (lastSent.size >= MAX_REMEMBERED_METERS && !lastSent.has(meter)) lastSent.clear();
    lastSent.set(meter, ack.uptoSeq);
    options.metrics.acksSent.inc();
    options.channel.send(meter, encodeAckCommand(ack.uptoSeq, ack.digest)).then(
      () => settle(meter, entry),
      (error: unknown) => {
        // Not retried: the meter's retransmission brings the records again, and they are acknowledged again.
        options.logger.debug({ err: error, meter }, 'ack publish failed');
        settle(meter, entry);
      },
    );
  }

  function settle(meter: string, entry: AckEntry): void {
    entry.isPublishing = false;
    if (entry.pending !== undefined) publish(meter, entry);
    else forgetIfIdle(meter, entry);
  }

  /** An entry with nothing pending, outstanding or waiting is dropped: memory follows the meters in motion. */
  function forgetIfIdle(meter: string, entry: AckEntry): void {
    if (entry.pending === undefined && !entry.isPublishing && entry.waiting.length === 0 && entries.get(meter) === entry) entries.delete(meter);
  }

  return {
    afterBatch(delivery) {
      for (const position of delivery.positions) {
        const arrivals = delivery.arrivals.get(position.meter) ?? [];
        const entry = entryOf(position.meter);
        const uptoSeq = position.ack?.uptoSeq ?? -1;
        let isCoveringArrival = false;
        for (const arrival of arrivals) {
          if (arrival.seq <= uptoSeq) {
            cover(entry, arrival.arrivalMs);
            isCoveringArrival = true;
          } else if (entry.waiting.length < MAX_WAITING_PER_METER) entry.waiting.push(arrival);
        }
        if (entry.waiting.length > 0) {
          entry.waiting.sort((a, b) => a.seq - b.seq);
          let covered = 0;
          while (covered < entry.waiting.length && entry.waiting[covered]!.seq <= uptoSeq) cover(entry, entry.waiting[covered++]!.arrivalMs);
          if (covered > 0) entry.waiting.splice(0, covered);
        }
        // Nothing stored at or below the watermark yet (nothing the meter could check), or only records above a
        // hole arrived (the same ack again would tell the meter nothing).
        if (position.ack === undefined || (!isCoveringArrival && position.ack.uptoSeq <= Math.max(lastSent.get(position.meter) ?? -1, entry.pending?.uptoSeq ?? -1))) {
          forgetIfIdle(position.meter, entry);
          continue;
        }
        // The newest value replaces a pending one (watermarks only move forward; an equal one is a re-ack).
        if (entry.pending === undefined || position.ack.uptoSeq >= entry.pending.uptoSeq) entry.pending = { ...position.ack };
        publish(position.meter, entry);
      }
    },
    trackedMeters: () => entries.size,
  };
}
