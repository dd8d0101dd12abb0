import { Counter, Histogram, Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeDeliveryCommand } from '../../shared/protocol/meterCommands.ts';
import { createLogger } from '../ops/logger.ts';
import { createMeterAcknowledger, MAX_WAITING_PER_METER } from './acknowledgeMeters.ts';
import type { RecordArrival } from './batchDelivery.ts';

const METER = '0x' + '11'.repeat(20);
const OTHER = '0x' + '22'.repeat(20);
const digestOf = (seq: number) => '0x' + seq.toString(16).padStart(64, '0');

function harness() {
  const sent: { meter: string; payload: string; resolve(): void; reject(error: Error): void }[] = [];
  const registry = new Registry();
  const metrics = {
    acksSent: new Counter({ name: 'acks', help: 'h', registers: [registry] }),
    ackLatencySeconds: new Histogram({ name: 'latency', help: 'h', buckets: [0.5, 1, 2, 5, 10], registers: [registry] }),
  };
  let clockMs = 1_000_000;
  const acknowledger = createMeterAcknowledger({
    channel: { send: (meter, payload) => new Promise<void>((resolve, reject) => sent.push({ meter, payload, resolve, reject })) },
    metrics,
    logger: createLogger({ logLevel: 'silent' } as never),
    nowMs: () => clockMs,
  });
  const batch = (positions: { meter: string; contiguousSeq: number; lastSeq: number; ackSeq?: number }[], arrivals: Record<string, RecordArrival[]> = {}) =>
    acknowledger.afterBatch({
      positions: positions.map((p) => ({ meter: p.meter, contiguousSeq: p.contiguousSeq, lastSeq: p.lastSeq, ack: p.ackSeq === undefined ? undefined : { uptoSeq: p.ackSeq, digest: digestOf(p.ackSeq) } })),
      arrivals: new Map(Object.entries(arrivals)),
    });
  const latencies = async () => (await metrics.ackLatencySeconds.get()).values;
  return { acknowledger, sent, batch, metrics, latencies, advance: (ms: number) => (clockMs += ms), now: () => clockMs };
}

const arrivals = (from: number, to: number, atMs: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, arrivalMs: atMs }));

test('one ack per meter and batch, with the digest as 64 hex digits', () => {
  const h = harness();
  h.batch([{ meter: METER, contiguousSeq: 9, lastSeq: 9, ackSeq: 9 }, { meter: OTHER, contiguousSeq: 3, lastSeq: 3, ackSeq: 3 }], { [METER]: arrivals(0, 9, h.now()), [OTHER]: arrivals(0, 3, h.now()) });
  assert.equal(h.sent.map((s) => [s.meter, decodeDeliveryCommand(s.payload)]), [
    [METER, { cmd: 'ack', uptoSeq: 9, digest: digestOf(9).slice(2) }],
    [OTHER, { cmd: 'ack', uptoSeq: 3, digest: digestOf(3).slice(2) }],
  ]);
});

test('at most one publish outstanding per meter: the newest value replaces a pending one', async () => {
  const h = harness();
  h.batch([{ meter: METER, contiguousSeq: 5, lastSeq: 5, ackSeq: 5 }], { [METER]: arrivals(0, 5, h.now()) });
  h.batch([{ meter: METER, contiguousSeq: 7, lastSeq: 7, ackSeq: 7 }], { [METER]: arrivals(6, 7, h.now()) });
  h.batch([{ meter: METER, contiguousSeq: 9, lastSeq: 9, ackSeq: 9 }], { [METER]: arrivals(8, 9, h.now()) });
  assert.is(h.sent.length, 1, 'the first is outstanding, the others wait');
  h.sent.shift()!.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(h.sent.map((s) => decodeDeliveryCommand(s.payload)), [{ cmd: 'ack', uptoSeq: 9, digest: digestOf(9).slice(2) }], '7 was replaced by 9');
  h.sent.shift()!.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(h.acknowledger.trackedMeters(), 0, 'nothing kept once the meter is idle');
  assert.is((await h.metrics.acksSent.get()).values[0]!.value, 2);
});

test('a failed publish is not retried, and the next batch acknowledges again', async () => {
  const h = harness();
  h.batch([{ meter: METER, contiguousSeq: 2, lastSeq: 2, ackSeq: 2 }], { [METER]: arrivals(0, 2, h.now()) });
  h.sent.shift()!.reject(new Error('connection closed'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(h.sent.length, 0);
  h.batch([{ meter: METER, contiguousSeq: 2, lastSeq: 2, ackSeq: 2 }], { [METER]: [{ seq: 2, arrivalMs: h.now() }] });
  assert.is(h.sent.length, 1, 'a duplicate brings the ack again');
});

test('records above a hole are not acknowledged, and arriving alone they repeat nothing; duplicates are acknowledged again', async () => {
  const h = harness();
  h.batch([{ meter: METER, contiguousSeq: 3, lastSeq: 3, ackSeq: 3 }], { [METER]: arrivals(0, 3, h.now()) });
  h.sent.shift()!.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  h.batch([{ meter: METER, contiguousSeq: 3, lastSeq: 9, ackSeq: 3 }], { [METER]: arrivals(5, 9, h.now()) });
  assert.is(h.sent.length, 0, 'the same ack again would tell the meter nothing');
  h.batch([{ meter: METER, contiguousSeq: 3, lastSeq: 9, ackSeq: 3 }], { [METER]: arrivals(2, 3, h.now()) });
  assert.equal(h.sent.map((s) => decodeDeliveryCommand(s.payload)?.cmd === 'ack' && decodeDeliveryCommand(s.payload)), [{ cmd: 'ack', uptoSeq: 3, digest: digestOf(3).slice(2) }], 'duplicates: acknowledged again');
});

test('latency runs from the arrival of the oldest record an ack covers, also records that waited above a hole', async () => {
  const h = harness();
  const firstArrivalMs = h.now();
  h.batch([{ meter: METER, contiguousSeq: 1, lastSeq: 6, ackSeq: 1 }], { [METER]: [...arrivals(0, 1, firstArrivalMs), ...arrivals(3, 6, firstArrivalMs)] });
  h.advance(800);
  h.sent.shift()!.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  h.advance(3200);
  // Seq 2 arrives 4 s after 3 … 6: the ack up to 6 covers records that waited 4 s.
  h.batch([{ meter: METER, contiguousSeq: 6, lastSeq: 6, ackSeq: 6 }], { [METER]: [{ seq: 2, arrivalMs: h.now() }] });
  const values = await h.latencies();
  assert.is(values.find((v) => v.metricName === 'latency_count')!.value, 2);
  assert.is(values.find((v) => v.metricName === 'latency_sum')!.value, 4);
});

test('memory: arrivals remembered above a hole are bounded per meter', () => {
  const h = harness();
  h.batch([{ meter: METER, contiguousSeq: -1, lastSeq: 10_000, ackSeq: undefined }], { [METER]: arrivals(1, 10_000, h.now()) });
  assert.is(h.sent.length, 0, 'nothing stored at or below the watermark: no ack');
  assert.is(h.acknowledger.trackedMeters(), 1);
  assert.ok(MAX_WAITING_PER_METER <= 128);
});

test.run();
