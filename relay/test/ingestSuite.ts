/**
 * The ingest behaviour suite, run unchanged on every transport (ingestPgliteAedes.test.ts,
 * ingestPostgresMosquitto.test.ts): valid chains stored once, replays idempotent, every kind of bad input
 * refused with its code and stored as a rejection, gaps recorded, aggregates and retention.
 */
import { sql } from 'drizzle-orm';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord, SampleRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { encodeRecordJson } from '../../shared/protocol/wireCodec.ts';
import type { StoredRecord } from '../events/relayEventBus.ts';
import { startRelay, type RelayHandle } from '../startRelay.ts';
import { queryRows } from '../store/queryRows.ts';
import { runRetention } from '../store/runRetention.ts';
import { meters } from '../store/schema.ts';
import { buildChain, createTestMeter, nextSample, nextSeal, wireMessage } from './meterChain.ts';
import { connectPublisher, publishAll } from './publisher.ts';
import type { TestTransport } from './testTransports.ts';
import { waitFor } from './waitFor.ts';

interface Context {
  relay: RelayHandle;
  publisher: MqttClient;
  stored: StoredRecord[];
  rejected: { code: string; meter?: string }[];
}

/** Unix seconds of the relay clock in these tests: after every record the test meters make. */
const RELAY_NOW_S = 1_800_000_000;

export function defineIngestSuite(makeTransport: () => TestTransport): void {
  const transport = makeTransport();
  const test = suite<Context>(`ingest on ${transport.name}`);
  const prefix = transport.topicPrefix;
  let meterIndex = transport.name.length * 1000 + Math.floor(Math.random() * 100_000) * 10;
  const freshMeter = () => createTestMeter(meterIndex++);

  const count = async (context: Context, query: ReturnType<typeof sql>) => Number((await queryRows<{ n: unknown }>(context.relay.store.db, query))[0]!.n);
  // Sorted: with several broker connections, messages of one publish burst may be stored in any order.
  const rejectionCodes = async (context: Context, meter: string) =>
    (await queryRows<{ code: string }>(context.relay.store.db, sql`SELECT code FROM rejections WHERE meter = ${meter}`)).map((row) => row.code).sort();
  const publish = (context: Context, records: readonly MeterRecord[]) => publishAll(context.publisher, records.map((record) => wireMessage(record, prefix)));
  const publishRaw = (context: Context, messages: { topic: string; payload: string | Uint8Array }[]) => publishAll(context.publisher, messages);
  const settle = async (context: Context, expectedMessages: number) => {
    await waitFor(`${expectedMessages} messages`, async () => {
      const received = (await context.relay.metrics.recordsReceived.get()).values.reduce((sum, value) => sum + value.value, 0);
      return received >= expectedMessages && context.relay.ingestDepth() === 0;
    });
  };
  let published = 0;
  const publishAndSettle = async (context: Context, records: readonly MeterRecord[]) => {
    await publish(context, records);
    published += records.length;
    await settle(context, published);
  };
  const publishRawAndSettle = async (context: Context, messages: { topic: string; payload: string | Uint8Array }[]) => {
    await publishRaw(context, messages);
    published += messages.length;
    await settle(context, published);
  };

  test.before(async (context) => {
    context.relay = await startRelay({ config: transport.config(), withHttp: false, nowS: () => RELAY_NOW_S, withProcessMetrics: false });
    context.publisher = await connectPublisher(transport.publishUrl ?? context.relay.brokerUrl);
    context.stored = [];
    context.rejected = [];
    context.relay.events.on('records-stored', (records) => context.stored.push(...records));
    context.relay.events.on('record-rejected', (rejection) => context.rejected.push(rejection));
  });

  test.after(async (context) => {
    await context.publisher?.endAsync();
    await context.relay?.stop();
    await transport.cleanup();
  });

  test('a valid chain of samples and seals from several meters is stored exactly, with heads and aggregates', async (context) => {
    const zoneMeters = [freshMeter(), freshMeter(), freshMeter()];
    await context.relay.store.db.insert(meters).values(zoneMeters.map((m) => ({ address: m.address, zone: 'feeder-7' })));
    const records = zoneMeters.flatMap((m) => buildChain(m, 3, 4));
    await publishAndSettle(context, records);
    for (const m of zoneMeters) {
      assert.is(await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`), 12);
      assert.is(await count(context, sql`SELECT count(*) AS n FROM seals WHERE meter = ${m.address}`), 3);
      const [head] = await queryRows<{ last_seq: unknown; contiguous_seq: unknown; last_digest: string }>(context.relay.store.db, sql`SELECT * FROM chain_heads WHERE meter = ${m.address}`);
      assert.is(Number(head!.last_seq), 14);
      assert.is(Number(head!.contiguous_seq), 14);
      assert.is(head!.last_digest, m.prev);
      assert.equal(await rejectionCodes(context, m.address), []);
    }
    const firstSeal = records.find((r): r is SealRecord => r.kind === 'seal')!;
    const [zoneRow] = await queryRows<{ import_wh: unknown; export_wh: unknown; meter_count: unknown }>(
      context.relay.store.db,
      sql`SELECT import_wh, export_wh, meter_count FROM zone_intervals WHERE zone = 'feeder-7' AND start_s = ${firstSeal.startS}`,
    );
    assert.is(Number(zoneRow!.meter_count), 3);
    assert.is(Number(zoneRow!.export_wh), 3 * (firstSeal.exportEndWh - firstSeal.exportStartWh));
    const storedHere = context.stored.filter((s) => zoneMeters.some((m) => m.address === s.record.meter));
    assert.is(storedHere.length, records.length);
    assert.ok(storedHere.every((s) => s.zone === 'feeder-7' && s.isRegisteredMeter && s.digest === recordDigestHex(s.record)));
  });

  test('replays and duplicates are acknowledged and stored once', async (context) => {
    const m = freshMeter();
    const records = buildChain(m, 2, 3);
    await publishAndSettle(context, records);
    const storedBefore = context.stored.length;
    await publishAndSettle(context, [...records, ...records.slice(2, 5)]);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`), 6);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM seals WHERE meter = ${m.address}`), 2);
    assert.is(context.stored.length, storedBefore, 'no stored event for a duplicate');
    assert.equal(await rejectionCodes(context, m.address), []);
  });

  test('an unregistered meter is accepted and flagged under the default policy', async (context) => {
    const m = freshMeter();
    await publishAndSettle(context, buildChain(m, 1, 2));
    const [row] = await context.relay.store.db.select().from(meters).where(sql`address = ${m.address}`);
    assert.is(row!.isRegistered, false);
    assert.is(row!.zone, 'unassigned');
    assert.ok(context.stored.filter((s) => s.record.meter === m.address).every((s) => !s.isRegisteredMeter));
  });

  test('forged, tampered and wrongly signed seals are refused with their codes', async (context) => {
    const m = freshMeter();
    const other = freshMeter();
    const samples = [nextSample(m), nextSample(m)];
    const honest = nextSeal(m);
    const byOtherKey = signSeal({ ...honest, sig: undefined } as unknown as SealRecord, other.privateKey);
    const tampered: SealRecord = { ...honest, exportEndWh: honest.exportEndWh + 1000 };
    const highS = { ...honest, sig: honest.sig.slice(0, 66) + 'f'.repeat(64) + honest.sig.slice(130) };
    await publishAndSettle(context, samples);
    await publishRawAndSettle(context, [
      wireMessage(byOtherKey, prefix),
      wireMessage(tampered, prefix),
      { topic: prefix + meterTopic(m.address, 'seal'), payload: encodeRecordJson(highS as SealRecord) },
    ]);
    assert.equal(await rejectionCodes(context, m.address), ['bad_signature', 'signer_mismatch', 'signer_mismatch']);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM seals WHERE meter = ${m.address}`), 0);
    await publishAndSettle(context, [honest]);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM seals WHERE meter = ${m.address}`), 1);
  });

  test('chain breaks, forks, counter roll-backs and future timestamps are refused', async (context) => {
    const m = freshMeter();
    const [s0, s1] = [nextSample(m), nextSample(m)];
    await publishAndSettle(context, [s0!, s1!]);
    const s2 = nextSample(m);
    const broken: SampleRecord = { ...s2, prev: recordDigestHex(s0!) };
    const fork: SampleRecord = { ...s1!, powerW: s1!.powerW + 1 };
    const rollback: SampleRecord = { ...s2, exportWh: s1!.exportWh - 1 };
    const future: SampleRecord = { ...s2, timeS: RELAY_NOW_S + 3600 };
    const newcomer = freshMeter();
    const badGenesis: SampleRecord = { ...nextSample(newcomer), prev: s2.prev };
    await publishAndSettle(context, [broken, fork, rollback, future, badGenesis]);
    assert.equal(await rejectionCodes(context, m.address), ['chain_break', 'chain_fork', 'clock_skew', 'counter_rollback']);
    assert.equal(await rejectionCodes(context, newcomer.address), ['chain_break'], 'seq 0 must name the zero digest');
    await publishAndSettle(context, [s2]);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`), 3);
    assert.ok(context.rejected.some((r) => r.code === 'clock_skew' && r.meter === m.address), 'rejections are announced');
  });

  test('a seal whose registers start below the previous seal is a roll-back', async (context) => {
    const m = freshMeter();
    const first = buildChain(m, 1, 2);
    await publishAndSettle(context, first);
    nextSample(m);
    const sealSeqBefore = m.seq;
    m.intervalImportStartWh -= 50; // pretend the interval started lower than the last seal ended
    const seal = nextSeal(m);
    assert.is(seal.seq, sealSeqBefore);
    // Publish without the sample before it, so only the seal-to-seal rule can catch it.
    await publishAndSettle(context, [seal]);
    assert.equal(await rejectionCodes(context, m.address), ['counter_rollback']);
  });

  test('topic mistakes, malformed payloads and bad statuses are refused and stored safely', async (context) => {
    const m = freshMeter();
    const other = freshMeter();
    const sample = nextSample(m);
    await publishRawAndSettle(context, [
      { topic: prefix + meterTopic(other.address, 'sample'), payload: encodeRecordJson(sample) },
      { topic: prefix + meterTopic(m.address, 'seal'), payload: encodeRecordJson(sample) },
      { topic: prefix + meterTopic(m.address, 'sample'), payload: '{"v":1,"kind":"sample"' },
      { topic: prefix + meterTopic(m.address, 'sample'), payload: new Uint8Array([0, 0xff, 0xfe, 27, 91, 50, 74]) },
      { topic: prefix + meterTopic(m.address, 'sample'), payload: 'x'.repeat(5000) },
      { topic: prefix + meterTopic(m.address, 'status'), payload: '{"v":1,"state":"sleeping","seq":1,"queued":0,"dropped":0,"uptimeS":5}' },
      { topic: prefix + meterTopic(m.address, 'status'), payload: '{"v":1,"state":"online","seq":1,"queued":0,"dropped":0,"uptimeS":5}' },
      { topic: prefix + 'pet/v1/meters/0xNOTAMETER/sample', payload: encodeRecordJson(sample) },
    ]);
    assert.equal(await rejectionCodes(context, other.address), ['topic_mismatch']);
    assert.equal(await rejectionCodes(context, m.address), ['bad_status', 'malformed_json', 'malformed_json', 'payload_too_large', 'topic_kind_mismatch']);
    const [binary] = await queryRows<{ payload_excerpt: string; payload_bytes: number }>(
      context.relay.store.db,
      sql`SELECT payload_excerpt, payload_bytes FROM rejections WHERE meter = ${m.address} AND code = 'malformed_json' AND payload_bytes = 7`,
    );
    assert.ok(!/[\u0000-\u001f]/.test(binary!.payload_excerpt), 'control characters are escaped in the excerpt');
    assert.is(Number(binary!.payload_bytes), 7);
    const [big] = await queryRows<{ payload_excerpt: string }>(context.relay.store.db, sql`SELECT payload_excerpt FROM rejections WHERE meter = ${m.address} AND code = 'payload_too_large'`);
    assert.ok(big!.payload_excerpt.length <= 256);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM rejections WHERE code = 'bad_topic' AND topic LIKE ${prefix + '%'}`), 1);
    const [status] = await queryRows<{ state: string }>(context.relay.store.db, sql`SELECT state FROM meter_status WHERE meter = ${m.address}`);
    assert.is(status!.state, 'online');
  });

  test('a gap is recorded, and the contiguous head advances once it is filled', async (context) => {
    const m = freshMeter();
    const records = buildChain(m, 1, 5); // seq 0 … 5
    await publishAndSettle(context, [...records.slice(0, 2), ...records.slice(4)]);
    // Arrival order across broker connections decides where a gap is first seen; it always covers 2 … 3.
    const gaps = await queryRows<{ from_seq: unknown; to_seq: unknown }>(context.relay.store.db, sql`SELECT from_seq, to_seq FROM chain_gaps WHERE meter = ${m.address}`);
    assert.ok(gaps.some((gap) => Number(gap.from_seq) <= 2 && Number(gap.to_seq) >= 3), JSON.stringify(gaps));
    const head = async () => (await queryRows<{ contiguous_seq: unknown; last_seq: unknown }>(context.relay.store.db, sql`SELECT * FROM chain_heads WHERE meter = ${m.address}`))[0]!;
    assert.is(Number((await head()).contiguous_seq), 1);
    await publishAndSettle(context, records.slice(2, 4));
    assert.is(Number((await head()).contiguous_seq), 5);
    assert.is(Number((await head()).last_seq), 5);
    assert.equal(await rejectionCodes(context, m.address), []);
  });

  test('retention folds old samples into hourly rollups and keeps seals', async (context) => {
    const m = freshMeter();
    await publishAndSettle(context, buildChain(m, 2, 6));
    const before = await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`);
    assert.is(before, 12);
    await runRetention(context.relay.store.db, m.timeS + 1);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`), 0);
    assert.is(await count(context, sql`SELECT coalesce(sum(sample_count), 0) AS n FROM sample_rollups WHERE meter = ${m.address}`), 12);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM seals WHERE meter = ${m.address}`), 2);
    // The chain continues past deleted samples (the head keeps the digest).
    await publishAndSettle(context, [nextSample(m)]);
    assert.is(await count(context, sql`SELECT count(*) AS n FROM samples WHERE meter = ${m.address}`), 1);
    assert.equal(await rejectionCodes(context, m.address), []);
  });

  test.run();
}
