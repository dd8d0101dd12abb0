/**
 * The watermark rules of the ingest write (through `writeIngestBatch`, on PGlite): abandoned ranges count as
 * present, a status's heldFromSeq abandons exactly the missing ranges below it, records of the same batch split
 * those ranges, and the ack names the highest stored seq at or below the watermark.
 */
import { sql } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { buildChain, createTestMeter, nextSample } from '../test/meterChain.ts';
import { openStore, type Store } from './openStore.ts';
import { queryRows } from './queryRows.ts';
import { type AcceptedRecord, type IngestWriteResult, type StatusRow, writeIngestBatch } from './writeIngestBatch.ts';

const test = suite<{ store: Store }>('watermark');
let meterIndex = 9_100_000;

test.before(async (context) => {
  context.store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
});
test.after(async (context) => context.store?.close());

const accepted = (record: MeterRecord): AcceptedRecord => ({ record, digest: recordDigestHex(record), zone: 'unassigned', isRegisteredMeter: false, topic: 't', payload: new Uint8Array() });
const status = (meter: string, heldFromSeq: number | null, dropped = 0): StatusRow => ({ meter, state: 'online', seq: 0, queued: 0, dropped, heldFromSeq, uptimeS: 1 });

function write(store: Store, records: MeterRecord[], statuses: StatusRow[] = [], duplicateMeters: string[] = []): Promise<IngestWriteResult> {
  return writeIngestBatch(store.db, { accepted: records.map(accepted), rejections: [], statuses, unregisteredMeters: [], duplicateMeters, priorHeads: new Map() });
}

async function head(store: Store, meter: string) {
  const [row] = await queryRows<{ contiguous_seq: unknown; last_seq: unknown }>(store.db, sql`SELECT contiguous_seq, last_seq FROM chain_heads WHERE meter = ${meter}`);
  return { contiguousSeq: Number(row?.contiguous_seq ?? -2), lastSeq: Number(row?.last_seq ?? -2) };
}

async function abandonedRanges(store: Store, meter: string) {
  const rows = await queryRows<{ from_seq: unknown; to_seq: unknown; reason: string }>(store.db, sql`SELECT from_seq, to_seq, reason FROM abandoned_gaps WHERE meter = ${meter} ORDER BY from_seq`);
  return rows.map((row) => `${row.from_seq}-${row.to_seq} ${row.reason}`);
}

test('records and a status in one batch: the batch records split the abandoned ranges; the ack names the highest stored seq below the watermark', async ({ store }) => {
  const m = createTestMeter(meterIndex++);
  const chain = buildChain(m, 2, 4); // seq 0 … 9
  const result = await write(store, [chain[0]!, chain[1]!, chain[2]!, chain[4]!, chain[8]!], [status(m.address, 7, 2)]);
  assert.equal(await abandonedRanges(store, m.address), ['3-3 meter_queue_overflow', '5-6 meter_queue_overflow']);
  assert.equal(await head(store, m.address), { contiguousSeq: 6, lastSeq: 8 }, '7 is still missing: the watermark stops below it');
  assert.equal(result.abandoned.map((gap) => [gap.fromSeq, gap.toSeq]), [[3, 3], [5, 6]]);
  assert.equal(result.positions, [{ meter: m.address, contiguousSeq: 6, lastSeq: 8, ack: { uptoSeq: 4, digest: recordDigestHex(chain[4]!) } }]);
  // The gap the batch opened ([5, 7] above seq 4) stays open: 7 is not abandoned.
  assert.equal(result.gapsOpened.map((gap) => [gap.fromSeq, gap.toSeq]), [[3, 3], [5, 7]]);
  assert.equal(result.gapsClosed.map((gap) => [gap.fromSeq, gap.toSeq]), [[3, 3]]);

  const filled = await write(store, [chain[7]!]);
  assert.equal(await head(store, m.address), { contiguousSeq: 8, lastSeq: 8 });
  assert.is(filled.recordsFilled, 1);
  assert.equal(filled.gapsClosed.map((gap) => [gap.fromSeq, gap.toSeq]), [[5, 7]]);
  assert.equal(filled.positions[0]!.ack, { uptoSeq: 8, digest: recordDigestHex(chain[8]!) });
});

test('a status from a meter the relay never heard from abandons everything below heldFromSeq; there is nothing to acknowledge', async ({ store }) => {
  const m = createTestMeter(meterIndex++);
  const result = await write(store, [], [status(m.address, 40)]);
  assert.equal(await abandonedRanges(store, m.address), ['0-39 meter_no_longer_holds']);
  assert.equal(await head(store, m.address), { contiguousSeq: 39, lastSeq: -1 });
  assert.equal(result.positions, [{ meter: m.address, contiguousSeq: 39, lastSeq: -1, ack: undefined }]);
  // Its chain then starts above the abandoned range without a gap (seq 40 names a prev the relay never saw).
  const chain = Array.from({ length: 42 }, () => nextSample(m)).slice(40);
  const next = await write(store, chain);
  assert.equal(next.gaps, []);
  assert.equal(await head(store, m.address), { contiguousSeq: 41, lastSeq: 41 });
});

test('heldFromSeq 0, at or below watermark + 1, or absent changes nothing; the highest of one batch counts', async ({ store }) => {
  const m = createTestMeter(meterIndex++);
  const chain = buildChain(m, 2, 4);
  await write(store, [chain[0]!, chain[1]!, chain[5]!]);
  const quiet = await write(store, [], [status(m.address, 0), status(m.address, 2), status(m.address, null)]);
  assert.equal(quiet.abandoned, []);
  assert.equal(quiet.positions, []);
  assert.equal(await head(store, m.address), { contiguousSeq: 1, lastSeq: 5 });
  await write(store, [], [status(m.address, 3), status(m.address, 5, 1), status(m.address, 4)]);
  assert.equal(await abandonedRanges(store, m.address), ['2-4 meter_queue_overflow']);
  assert.equal(await head(store, m.address), { contiguousSeq: 5, lastSeq: 5 });
});

test('a record that arrives inside an abandoned range is stored, fills, and opens no gap', async ({ store }) => {
  const m = createTestMeter(meterIndex++);
  const chain = buildChain(m, 2, 4);
  await write(store, [chain[0]!], [status(m.address, 4)]);
  const late = await write(store, [chain[2]!]);
  assert.is(late.stored.length, 1);
  assert.is(late.recordsFilled, 1);
  assert.equal(late.gaps, []);
  assert.equal(await head(store, m.address), { contiguousSeq: 3, lastSeq: 2 });
  assert.equal(late.positions[0]!.ack, { uptoSeq: 2, digest: recordDigestHex(chain[2]!) });
});

test('duplicates found by the chain checks bring their meter into the positions', async ({ store }) => {
  const m = createTestMeter(meterIndex++);
  const chain = buildChain(m, 1, 2);
  await write(store, chain);
  const again = await write(store, [], [], [m.address]);
  assert.equal(again.positions.map((p) => [p.meter, p.ack?.uptoSeq]), [[m.address, 2]]);
});

test.run();
