/**
 * Fuzz: 10 000 hostile payloads interleaved with the valid chains of ten meters, through the real relay
 * (PGlite + aedes, one connection, so every valid record is delivered before the mutations derived from it).
 * The relay must stay up, store every valid record, store no seal that is not genuine, and account for every
 * message it receives: stored, duplicate, or rejected with a stored code.
 */
import { sql } from 'drizzle-orm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';
import { startRelay } from '../startRelay.ts';
import { queryRows } from '../store/queryRows.ts';
import { RELAY_CHECK_CODES } from '../verify/rejectionCode.ts';
import { buildChain, createTestMeter, nextSample, wireMessage } from './meterChain.ts';
import { hostileGenerator, seededRandom } from './hostilePayloads.ts';
import { connectPublisher, publishAll } from './publisher.ts';
import { pgliteAedesTransport } from './testTransports.ts';
import { waitFor } from './waitFor.ts';

const HOSTILE_COUNT = Number(process.env.PET_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.PET_FUZZ_SEED ?? 20261127);
const protocolCodes = ['payload_too_large', 'malformed_json', 'duplicate_field', 'missing_field', 'unknown_field', 'wrong_type', 'not_integer', 'negative', 'out_of_range', 'bad_hex', 'wrong_length', 'unsupported_version', 'unknown_kind', 'interval_order', 'counter_order', 'bad_signature', 'high_s', 'bad_recovery_id', 'signer_mismatch'];

test(`${HOSTILE_COUNT} hostile payloads: relay stays up, stores every valid record, accepts no forged seal, stores every rejection`, async () => {
  const transport = pgliteAedesTransport();
  const relay = await startRelay({ config: transport.config({ PET_VERIFY_WORKERS: '2', PET_LOG_LEVEL: process.env.PET_FUZZ_LOG ?? 'silent' }), withHttp: false, nowS: () => 1_800_000_000, withProcessMetrics: false });
  const publisher = await connectPublisher(relay.brokerUrl);
  try {
    const random = seededRandom(SEED);
    const meters = Array.from({ length: 10 }, (_, i) => createTestMeter(900_000 + i));
    const outsider = createTestMeter(999_999);
    const chains = meters.map((m) => buildChain(m, 10, 5)); // 60 records per meter
    const valid = chains.flat();
    const messages: { topic: string; payload: string | Uint8Array }[] = [];
    // Each meter's valid record is published before any mutation derived from it: walk the chains in
    // round-robin and draw hostile traffic only from records already published.
    const published: MeterRecord[] = [];
    let hostileSent = 0;
    for (let step = 0; step < 60; step++) {
      for (const chain of chains) {
        messages.push(wireMessage(chain[step]!, ''));
        published.push(chain[step]!);
      }
      if (step < 5) continue; // hostile traffic starts once every meter has published a seal
      const generate = hostileGenerator(random, meters, published, '', outsider);
      const quota = Math.round(((step - 4) * HOSTILE_COUNT) / 55) - hostileSent;
      for (let i = 0; i < quota; i++) {
        messages.push(generate());
      }
      hostileSent += quota;
    }
    await publishAll(publisher, messages, 100);
    // Topics outside the relay's filters (pet/v1/meters/+/sample, …/seal, …/status) never reach it; the broker
    // drops them — commands on …/cmd included.
    const delivered = messages.filter((message) => /^pet\/v1\/meters\/[^/]*\/(sample|seal|status)$/.test(message.topic)).length;
    await waitFor('every fuzz message', async () => {
      const received = (await relay.metrics.recordsReceived.get()).values.reduce((sum, v) => sum + v.value, 0);
      return received >= delivered && relay.ingestDepth() === 0;
    }, 90_000);

    // Still up: a fresh valid record is stored.
    const late = nextSample(meters[0]!);
    await publishAll(publisher, [wireMessage(late, '')]);
    await waitFor('the record after the fuzz', async () => (await queryRows(relay.store.db, sql`SELECT 1 FROM samples WHERE digest = ${recordDigestHex(late)}`)).length === 1);

    // Every valid record stored; no seal stored that is not one of the genuine ones, and every stored seal verifies.
    const validDigests = new Set(valid.map(recordDigestHex));
    validDigests.add(recordDigestHex(late));
    const storedSamples = await queryRows<{ digest: string; meter: string; seq: unknown }>(relay.store.db, sql`SELECT digest, meter, seq FROM samples`);
    const storedSeals = await queryRows<Record<string, unknown>>(relay.store.db, sql`SELECT * FROM seals`);
    const storedDigests = new Set([...storedSamples.map((r) => r.digest), ...storedSeals.map((r) => String(r.digest))]);
    for (const digest of validDigests) assert.ok(storedDigests.has(digest), `valid record ${digest} stored`);
    for (const row of storedSeals) {
      assert.ok(validDigests.has(String(row.digest)), `stored seal ${row.digest} is genuine`);
      const seal: SealRecord = {
        v: 1, kind: 'seal', meter: String(row.meter), seq: Number(row.seq), prev: String(row.prev), startS: Number(row.start_s), endS: Number(row.end_s),
        importStartWh: Number(row.import_start_wh), importEndWh: Number(row.import_end_wh), exportStartWh: Number(row.export_start_wh), exportEndWh: Number(row.export_end_wh),
        sampleCount: Number(row.sample_count), sig: String(row.sig),
      };
      verifySeal(seal);
    }
    // Inside the range the genuine chains cover, every stored sample is genuine. (A mutation may move a sample
    // past the end of a chain, where it waits unsealed — see ADR 0302 — and never counts toward settlement.)
    for (const row of storedSamples) {
      if (Number(row.seq) < 60) assert.ok(validDigests.has(row.digest), `stored sample ${row.meter}:${row.seq} is genuine`);
    }
    const sealedIntervals = await queryRows<{ n: unknown }>(relay.store.db, sql`SELECT count(*) AS n FROM meter_intervals`);
    assert.is(Number(sealedIntervals[0]!.n), 100, 'only genuine seals create metered intervals');

    // Every message accounted for, every rejection stored with a known code.
    const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((total, v) => total + v.value, 0);
    const received = await sum(relay.metrics.recordsReceived);
    const stored = await sum(relay.metrics.recordsStored);
    const duplicates = await sum(relay.metrics.recordsDuplicate);
    const rejected = await sum(relay.metrics.recordsRejected);
    const statuses = await queryRows<{ n: unknown }>(relay.store.db, sql`SELECT count(*) AS n FROM meter_status`);
    const rejectionRows = await queryRows<{ code: string; n: unknown }>(relay.store.db, sql`SELECT code, count(*) AS n FROM rejections GROUP BY code`);
    const rowsTotal = rejectionRows.reduce((total, row) => total + Number(row.n), 0);
    assert.is(rowsTotal, rejected, 'every counted rejection is stored');
    assert.ok(rejected > HOSTILE_COUNT / 2, `most hostile messages were refused (${rejected})`);
    const knownCodes = new Set<string>([...protocolCodes, ...RELAY_CHECK_CODES]);
    for (const row of rejectionRows) assert.ok(knownCodes.has(row.code), `known code ${row.code}`);
    // Valid statuses from the generator do not exist, so every message is stored, duplicate or rejected.
    assert.is(Number(statuses[0]!.n), 0);
    assert.is(received, delivered + 1, 'the relay received exactly what its filters match');
    assert.is(stored + duplicates + rejected, received, 'every message accounted for');
  } finally {
    await publisher.endAsync();
    await relay.stop();
    await transport.cleanup();
  }
});

test.run();
