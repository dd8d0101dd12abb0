/**
 * Ingest benchmark (`npm run bench:ingest`): a child process publishes through the machine's Mosquitto into a
 * relay on the machine's PostgreSQL (fresh schema, dropped at the end). Prints absolute figures and ratios
 * against baselines measured in the same run on the same cores:
 *   - raw MQTT pass-through (plain mqtt.js subscribers, same connections, same payloads),
 *   - raw batched insert (postgres.js, 1 000 rows a statement, same row shape),
 *   - raw verify (the same seal signatures through the same worker pool, nothing else).
 *   - publish → plain MQTT subscriber (the broker leg alone, same messages, same run) for the latency figures.
 * Scenarios: (a) production cadence (samples plus one seal per interval), (b) all-signed traffic, (c) latency
 * at 1 000 records/s from publish to stored and from publish to the owner's WebSocket client (`meter:<address>`
 * channels of 100 registered meters, signed in over the HTTP API; the HTTP server starts only for (c)),
 * (d) flush after outage: simulated meters with an hour of buffered readings come online at once; time until every
 * record is stored and acknowledged, beside the raw pass-through of the same messages (benchFlushAfterOutage.ts).
 *
 * Environment: BENCH_DATABASE_URL, BENCH_MQTT_URL (defaults: the local test services), BENCH_SCALE (1 = default size),
 * BENCH_CONNECTIONS, BENCH_FLUSH_METERS (default 100 × BENCH_SCALE), BENCH_FLUSH_OFFLINE_S (default 3 600).
 * `--only flush` (or BENCH_ONLY=flush) runs case (d) alone; `--only ingest` runs (a)–(c) alone.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import mqtt from 'mqtt';
import postgres from 'postgres';
import { decodeRecord } from '../../shared/protocol/wireCodec.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';
import { readRelayConfig } from '../config/relayConfig.ts';
import { startRelay, type RelayHandle } from '../startRelay.ts';
import { startSealVerifierPool } from '../verify/sealVerifierPool.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { createTestMeter } from '../test/meterChain.ts';
import { startHttpServer, type RunningHttpServer } from '../web/startHttpServer.ts';
import { readWebConfig } from '../web/webConfig.ts';
import { forkBenchChild, timedFlow as timedFlowWithin, type BenchChild } from './benchChild.ts';
import { fmt, multiple, percentile, ratio } from './benchFigures.ts';
import { benchFlushAfterOutage } from './benchFlushAfterOutage.ts';
import type { BenchMessage } from './benchPublisher.ts';
import type { ProbeMessage } from './benchProbeProcess.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MQTT_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WINDOW = Math.min(8000, CONNECTIONS * 500); // well under sessions × Mosquitto's 1 000 queued messages
const run = randomBytes(4).toString('hex');
const schema = `pet_bench_${run}`;

const onlyArgument = process.argv.indexOf('--only');
const ONLY = (onlyArgument >= 0 ? process.argv[onlyArgument + 1] : process.env.BENCH_ONLY) ?? 'all';
if (!['all', 'ingest', 'flush'].includes(ONLY)) throw new Error(`--only: expected "ingest" or "flush", got ${JSON.stringify(ONLY)}`);
const FLUSH_METERS = Number(process.env.BENCH_FLUSH_METERS ?? Math.round(100 * SCALE));
const FLUSH_OFFLINE_S = Number(process.env.BENCH_FLUSH_OFFLINE_S ?? 3600);

const startPublisher = () => forkBenchChild<BenchMessage>('./benchPublisher.ts', { BENCH_MQTT_URL: MQTT_URL });
const timedFlow = (publisher: BenchChild<BenchMessage>, total: number, consumedCount: () => number) => timedFlowWithin(publisher, total, consumedCount, WINDOW);

async function rawPassThrough(publisher: BenchChild<BenchMessage>, meters: number, intervals: number, samplesPerSeal: number): Promise<number> {
  const prefix = `pet-bench-${run}-raw/`;
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      const client = await mqtt.connectAsync(MQTT_URL, { clientId: `pet-bench-raw-${run}-${i}`, clean: true, reconnectPeriod: 0 });
      client.on('message', () => (received += 1));
      await client.subscribeAsync(`$share/pet-bench-raw-${run}/${prefix}pet/v1/meters/+/+`, { qos: 1 });
      return client;
    }),
  );
  const prepared = await publisher.request({ cmd: 'prepare', scenario: 'cadence', meters, intervals, samplesPerSeal, prefix, meterOffset: 1_000_000 }, 'prepared');
  const rate = await timedFlow(publisher, Number(prepared.prepared), () => received);
  await Promise.all(clients.map((client) => client.endAsync()));
  return rate;
}

async function rawBatchedInsert(rows: number): Promise<number> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  await sql`CREATE TABLE bench_raw_samples (meter text, seq bigint, time_s bigint, import_wh bigint, export_wh bigint, power_w integer, voltage_dv integer, current_ma bigint, power_factor_permille smallint, prev text, digest text, PRIMARY KEY (meter, seq))`;
  const hex = (n: number, bytes: number) => '0x' + n.toString(16).padStart(bytes * 2, '0');
  const all = Array.from({ length: rows }, (_, i) => ({ meter: hex(i % 500, 20), seq: Math.floor(i / 500), time_s: 1_767_225_600 + i, import_wh: 1000 + i, export_wh: 2000 + i, power_w: -1200, voltage_dv: 2310, current_ma: 5200, power_factor_permille: 990, prev: hex(i, 32), digest: hex(i + 1, 32) }));
  const started = performance.now();
  for (let offset = 0; offset < rows; offset += 1000) await sql`INSERT INTO bench_raw_samples ${sql(all.slice(offset, offset + 1000))} ON CONFLICT DO NOTHING`;
  const rate = rows / ((performance.now() - started) / 1000);
  await sql.end({ timeout: 5 });
  return rate;
}

const out = (line: string) => process.stdout.write(line + '\n');

/** Cases (a)–(c) on the machine's Mosquitto and a relay in this process. */
async function benchIngestCases(): Promise<void> {
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE SCHEMA "${schema}"`);
  const publisher = await startPublisher();
  let relay: RelayHandle | undefined;
  let http: RunningHttpServer | undefined;
  let probe: BenchChild<ProbeMessage> | undefined;
  try {
    const meters = Math.round(400 * SCALE);
    const intervals = 2;
    const samplesPerSeal = 59; // 10 s samples, 10-minute seals: 60 records per interval per meter

    const config = readRelayConfig({
      DATABASE_URL, PET_DB_SCHEMA: schema, MQTT_URL, PET_TOPIC_PREFIX: `pet-bench-${run}/`, PET_RELAY_ID: `pet-bench-${run}`, PET_MQTT_GROUP: `pet-bench-${run}`,
      PET_MQTT_CONNECTIONS: String(CONNECTIONS), PET_LOG_LEVEL: 'warn', PET_HTTP_PORT: '0',
    });

    // Baselines.
    const rawMqtt = await rawPassThrough(publisher, meters, intervals, samplesPerSeal);
    out(`baseline  raw MQTT pass-through (QoS 1, same payloads)      ${fmt(rawMqtt)} msg/s`);
    const cadenceCount = meters * intervals * (samplesPerSeal + 1);
    const rawInsert = await rawBatchedInsert(cadenceCount);
    out(`baseline  raw batched insert (postgres.js, 1 000 rows/stmt)  ${fmt(rawInsert)} rows/s`);

    relay = await startRelay({ config, withHttp: false, withProcessMetrics: false });
    let stored = 0;
    const storedAt = new Map<string, number>();
    let recordTimes = false;
    relay.events.on('records-stored', (records) => {
      stored += records.length;
      if (recordTimes) {
        const now = performance.timeOrigin + performance.now();
        for (const { digest } of records) storedAt.set(digest, now);
      }
    });

    // (a) production cadence.
    const cadence = await publisher.request({ cmd: 'prepare', scenario: 'cadence', meters, intervals, samplesPerSeal, prefix: config.topicPrefix, meterOffset: 2_000_000 }, 'prepared');
    stored = 0;
    const cadenceRate = await timedFlow(publisher, Number(cadence.prepared), () => stored);
    const batches = (await relay.metrics.dbBatchRecords.get()).values;
    const batchCount = batches.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const batchSum = batches.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const dbSeconds = (await relay.metrics.dbBatchSeconds.get()).values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    out(`    relay batches: ${fmt(batchCount)}, mean ${fmt(batchSum / Math.max(1, batchCount))} messages, mean ${((dbSeconds / Math.max(1, batchCount)) * 1000).toFixed(1)} ms check + write each`);
    out(`(a) relay, production cadence (${fmt(Number(cadence.prepared))} records, ${(100 / (samplesPerSeal + 1)).toFixed(1)} % seals)   ${fmt(cadenceRate)} records/s = ${ratio(cadenceRate, rawMqtt)} of raw MQTT, ${ratio(cadenceRate, rawInsert)} of raw insert (target ≥ 20 000/s)`);

    // (b) all-signed, against the raw verify rate of the same signatures on the same workers.
    const signedMeters = Math.round(3000 * SCALE);
    const signed = await publisher.request({ cmd: 'prepare', scenario: 'signed', meters: signedMeters, intervals: 1, samplesPerSeal: 0, prefix: config.topicPrefix, meterOffset: 3_000_000 }, 'prepared');
    const seals = (signed.seals as string[]).map((payload) => decodeRecord(payload) as SealRecord);
    const pool = startSealVerifierPool({ workers: config.verifyWorkers, batchMax: config.verifyBatchMax });
    await Promise.all(seals.slice(0, 200).map((seal) => pool.verify(seal))); // warm-up
    let started = performance.now();
    await Promise.all(seals.map((seal) => pool.verify(seal)));
    const rawVerify = seals.length / ((performance.now() - started) / 1000);
    await pool.close();
    started = performance.now();
    for (const seal of seals.slice(0, 300)) verifySeal(seal);
    const oneThread = 300 / ((performance.now() - started) / 1000);
    out(`baseline  raw verify, ${config.verifyWorkers} worker threads (noble)              ${fmt(rawVerify)} seals/s (one thread: ${fmt(oneThread)}/s)`);
    stored = 0;
    const signedRate = await timedFlow(publisher, seals.length, () => stored);
    out(`(b) relay, all-signed (${fmt(seals.length)} seals)                     ${fmt(signedRate)} seals/s = ${ratio(signedRate, rawVerify)} of raw verify (target ≥ 60 %)`);

    // (c) latency at 1 000 records/s: publish → stored, and publish → WebSocket as the meters' owner receives it on
    // `meter:<address>` (sent per stored batch, not throttled), beside the broker leg alone (baseline).
    const latencyMeters = 100;
    const latencyOffset = 4_000_000;
    const latency = await publisher.request({ cmd: 'prepare', scenario: 'cadence', meters: latencyMeters, intervals: 1, samplesPerSeal: 49, prefix: config.topicPrefix, meterOffset: latencyOffset }, 'prepared');
    http = await startHttpServer({ config, store: relay.store, events: relay.events, metrics: relay.metrics, logger: relay.logger.child({}, { level: 'error' }), webConfig: readWebConfig({}) });
    await (await fetch(`${http.url}/`)).text(); // the dashboard bundles on start: let that finish before measuring
    probe = await forkBenchChild<ProbeMessage>('./benchProbeProcess.ts', { BENCH_MQTT_URL: MQTT_URL });
    const { ownerAddress } = await probe.request({ cmd: 'sign-in', httpUrl: http.url }, 'ownerAddress');
    const addresses = Array.from({ length: latencyMeters }, (_, i) => createTestMeter(latencyOffset + i).address);
    for (const address of addresses) await registerMeter(relay.store.db, { address, zone: `bench-${run}`, ownerAddress: String(ownerAddress) });
    await probe.request({ cmd: 'subscribe', meters: addresses, mqttUrl: MQTT_URL, topicPrefix: config.topicPrefix, clientId: `pet-bench-probe-${run}` }, 'subscribed');
    recordTimes = true;
    stored = 0;
    const reply = await publisher.request({ cmd: 'go', mode: 'rate', perSecond: 1000 }, 'publishTimes');
    const total = Number(latency.prepared);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { counts } = (await probe.request({ cmd: 'count' }, 'counts')) as { counts: { feed: number; mqtt: number } };
      if ((stored >= total && counts.feed >= total && counts.mqtt >= total) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { arrivals } = (await probe.request({ cmd: 'collect' }, 'arrivals')) as { arrivals: { feed: [string, number][]; mqtt: [string, number][] } };
    const feedAt = new Map(arrivals.feed);
    const mqttAt = new Map(arrivals.mqtt);
    const keys = latency.keys as string[];
    const digests = latency.digests as string[];
    const times = reply.publishTimes as number[];
    const since = (arrival: (i: number) => number | undefined) => times.map((t, i) => (arrival(i) ?? Number.NaN) - t).filter((ms) => Number.isFinite(ms)).sort((x, y) => x - y);
    const toStored = since((i) => storedAt.get(digests[i]!));
    const toFeed = since((i) => feedAt.get(keys[i]!));
    const toMqtt = since((i) => mqttAt.get(keys[i]!));
    const feedLeg = digests.map((digest, i) => (feedAt.get(keys[i]!) ?? Number.NaN) - (storedAt.get(digest) ?? Number.NaN)).filter((ms) => Number.isFinite(ms)).sort((x, y) => x - y);
    const figures = (sorted: number[]) => sorted.length === 0 ? 'nothing arrived' : `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
    out(`baseline  publish → plain MQTT subscriber at 1 000 records/s (${fmt(toMqtt.length)} of ${fmt(total)})   ${figures(toMqtt)}`);
    out(`(c) publish → stored at 1 000 records/s (${fmt(toStored.length)} of ${fmt(total)})       ${figures(toStored)}`);
    out(`(c) publish → WebSocket meter:<address>, owner (${fmt(toFeed.length)} of ${fmt(total)}, ${latencyMeters} channels)   ${figures(toFeed)}`);
    out(`    of which stored → WebSocket (the feed's own leg)           ${figures(feedLeg)}`);
    if (toFeed.length > 0 && toMqtt.length > 0) {
      const p99 = percentile(toFeed, 99);
      out(`    WebSocket vs plain MQTT: p50 ${multiple(percentile(toFeed, 50), percentile(toMqtt, 50))}, p99 ${multiple(p99, percentile(toMqtt, 99))}; p99 ${p99.toFixed(1)} ms ${p99 < 100 ? 'meets' : 'MISSES'} the target < 100 ms`);
    }
    out('    (zone:<id> aggregates add up to PET_FEED_INTERVAL_MS, 250 ms by default, on top by design: throttled per zone)');
  } finally {
    publisher.send({ cmd: 'exit' });
    if (probe !== undefined && probe.child.exitCode === null) {
      const exited = new Promise((resolve) => {
        probe!.child.once('exit', resolve);
        setTimeout(resolve, 5_000).unref();
      });
      probe.send({ cmd: 'exit' });
      await exited;
    }
    await http?.close();
    await relay?.stop();
    for (let i = 0; i < CONNECTIONS; i++) {
      const client = await mqtt.connectAsync(MQTT_URL, { clientId: `pet-bench-${run}-${i}`, clean: true, reconnectPeriod: 0 });
      await client.endAsync();
    }
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end({ timeout: 5 });
  }
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  out(`ingest benchmark — ${cpus().length} cores, Mosquitto ${MQTT_URL}, PostgreSQL schema ${schema}, ${CONNECTIONS} MQTT connections${ONLY === 'all' ? '' : `, only ${ONLY}`}`);
  if (ONLY !== 'flush') await benchIngestCases();
  if (ONLY !== 'ingest') await benchFlushAfterOutage({ databaseUrl: DATABASE_URL, run, connections: CONNECTIONS, meters: FLUSH_METERS, offlineS: FLUSH_OFFLINE_S, out });
  out(`ingest benchmark done in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
}

await main();
