/**
 * Ingest benchmark, case (d) "flush after outage": N simulated meters (the real firmware bundle, in a child
 * process) have buffered `offlineS` of readings in flash while the network was down, then all come online at
 * once and flush through a Mosquitto of the benchmark's own (the machine's binary, stock limits, fresh
 * persistence: meters publish on unprefixed topics, which must not reach the shared broker) into a relay on
 * PostgreSQL. Timed: network up → every meter's flash queue empty, i.e. every record stored AND acknowledged end to
 * end (seals are signed by the meters' firmware as they go out, as in the field). Baseline in the same run: the
 * same records — read back from the database and re-encoded to their wire form, the real signed payloads — pushed
 * through the same broker to plain MQTT subscribers (raw pass-through).
 */
import mqtt from 'mqtt';
import postgres from 'postgres';
import { encodeRecordJson } from '../../shared/protocol/wireCodec.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { createMosquittoProcess } from '../../test/device/mosquittoProcess.ts';
import { readRelayConfig } from '../config/relayConfig.ts';
import { startRelay, type RelayHandle } from '../startRelay.ts';
import { forkBenchChild, timedFlow, type BenchChild } from './benchChild.ts';
import { fmt, multiple, ratio } from './benchFigures.ts';
import type { FleetMessage } from './benchFleetProcess.ts';
import type { BenchMessage } from './benchPublisher.ts';

export interface FlushBenchOptions {
  databaseUrl: string;
  /** Names this run's schema, client ids and topics. */
  run: string;
  /** MQTT connections of the relay and of the raw baseline's subscribers. */
  connections: number;
  meters: number;
  offlineS: number;
  out(line: string): void;
}

/** Meters' reconnect backoff cap, s: after an hour offline it sits at its maximum (60 s), which would time the firmware's retry policy instead of the flush. */
const BACKOFF_MAX_S = 2;
const FLUSH_TIMEOUT_MS = 900_000;

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string, detail: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${timeoutMs / 1000} s (${detail()})`)), timeoutMs)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every stored record of the schema in its wire form, interleaved across meters by seq as a fleet sends them. */
async function readWireMessages(sql: postgres.Sql, topicPrefix: string): Promise<{ topic: string; payload: string }[]> {
  const samples = await sql`SELECT meter, seq, prev, time_s, import_wh, export_wh, power_w, voltage_dv, current_ma, power_factor_permille FROM samples`;
  const seals = await sql`SELECT meter, seq, prev, start_s, end_s, import_start_wh, import_end_wh, export_start_wh, export_end_wh, sample_count, sig FROM seals`;
  const records: MeterRecord[] = [
    ...samples.map((r): MeterRecord => ({ v: 1, kind: 'sample', meter: r.meter, seq: Number(r.seq), prev: r.prev, timeS: Number(r.time_s), importWh: Number(r.import_wh), exportWh: Number(r.export_wh), powerW: Number(r.power_w), voltageDv: Number(r.voltage_dv), currentMa: Number(r.current_ma), powerFactorPermille: Number(r.power_factor_permille) })),
    ...seals.map((r): MeterRecord => ({ v: 1, kind: 'seal', meter: r.meter, seq: Number(r.seq), prev: r.prev, startS: Number(r.start_s), endS: Number(r.end_s), importStartWh: Number(r.import_start_wh), importEndWh: Number(r.import_end_wh), exportStartWh: Number(r.export_start_wh), exportEndWh: Number(r.export_end_wh), sampleCount: Number(r.sample_count), sig: r.sig })),
  ];
  records.sort((a, b) => a.seq - b.seq || (a.meter < b.meter ? -1 : 1));
  return records.map((record) => ({ topic: `${topicPrefix}pet/v1/meters/${record.meter}/${record.kind}`, payload: encodeRecordJson(record) }));
}

/** Raw pass-through of `messages` through the broker at `url`: a publisher child, `connections` plain subscribers. */
async function rawPassThrough(url: string, run: string, connections: number, messages: { topic: string; payload: string }[], topicPrefix: string): Promise<number> {
  const publisher = await forkBenchChild<BenchMessage>('./benchPublisher.ts', { BENCH_MQTT_URL: url });
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      const client = await mqtt.connectAsync(url, { clientId: `pet-bench-flush-raw-${run}-${i}`, clean: true, reconnectPeriod: 0 });
      client.on('message', () => (received += 1));
      await client.subscribeAsync(`$share/pet-bench-flush-raw-${run}/${topicPrefix}pet/v1/meters/+/+`, { qos: 1 });
      return client;
    }),
  );
  try {
    await publisher.request({ cmd: 'load', messages }, 'prepared');
    return await timedFlow(publisher, messages.length, () => received, Math.min(8000, connections * 500));
  } finally {
    publisher.send({ cmd: 'exit' });
    await Promise.all(clients.map((client) => client.endAsync()));
  }
}

export async function benchFlushAfterOutage(options: FlushBenchOptions): Promise<void> {
  const { out, run } = options;
  const schema = `pet_bench_${run}_flush`;
  const broker = await createMosquittoProcess({ logTypes: ['error', 'warning', 'notice', 'information'] });
  const admin = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
  let relay: RelayHandle | undefined;
  let fleet: BenchChild<FleetMessage> | undefined;
  try {
    await broker.start();
    await admin.unsafe(`CREATE SCHEMA "${schema}"`);
    const config = readRelayConfig({
      DATABASE_URL: options.databaseUrl, PET_DB_SCHEMA: schema, MQTT_URL: broker.url, PET_RELAY_ID: `pet-bench-${run}-flush`, PET_MQTT_GROUP: `pet-bench-${run}-flush`,
      PET_MQTT_CONNECTIONS: String(options.connections), PET_LOG_LEVEL: 'warn', PET_HTTP_PORT: '0',
    });
    relay = await startRelay({ config, withHttp: false, withProcessMetrics: false });
    let stored = 0;
    let allStoredAtMs: number | undefined;
    let backlog = Number.POSITIVE_INFINITY;
    relay.events.on('records-stored', (records) => {
      stored += records.length;
      if (allStoredAtMs === undefined && stored >= backlog) allStoredAtMs = performance.timeOrigin + performance.now();
    });

    fleet = await forkBenchChild<FleetMessage>('./benchFleetProcess.ts', {});
    const onlineReply = fleet.next('online');
    const flushedReply = fleet.next('flushed');
    fleet.send({ cmd: 'start', meters: options.meters, offlineS: options.offlineS, brokerUrl: broker.url, keysSeed: `pet-bench-${run}`, backoffMaxS: BACKOFF_MAX_S });
    const online = (await withTimeout(onlineReply, FLUSH_TIMEOUT_MS, 'the fleet online', () => 'offline phase')).online as { atMs: number; records: number; dropped: number; offlineRealMs: number };
    backlog = online.records;
    const relayCpuAtOnline = process.cpuUsage();
    if (stored >= backlog) allStoredAtMs = performance.timeOrigin + performance.now();
    const flushed = (await withTimeout(flushedReply, FLUSH_TIMEOUT_MS, 'every meter queue empty', () => `${stored} of ${backlog} stored`)).flushed as { atMs: number; cpuMs: number; signedSeals: number; published: number; connects: number };
    const relayCpu = process.cpuUsage(relayCpuAtOnline);
    const flushS = (flushed.atMs - online.atMs) / 1000;
    const busy = (cpuMs: number) => `${((cpuMs / 1000 / flushS) * 100).toFixed(0)} %`;
    const storedS = ((allStoredAtMs ?? flushed.atMs) - online.atMs) / 1000;
    const counter = async (metric: { get(): Promise<{ values: { value: number; metricName?: string }[] }> }, suffix = '') =>
      (await metric.get()).values.filter((v) => suffix === '' || v.metricName?.endsWith(suffix)).reduce((sum, v) => sum + v.value, 0);
    const metrics = relay.metrics;
    const resendRequests = await counter(metrics.resendRequests);
    const recordsResent = await counter(metrics.recordsResent);
    const gapsOpened = await counter(metrics.gapsOpened);
    const acksSent = await counter(metrics.acksSent);
    const ackLatencyMeanMs = ((await counter(metrics.ackLatencySeconds, '_sum')) / Math.max(1, await counter(metrics.ackLatencySeconds, '_count'))) * 1000;
    const brokerDrops = broker.log().split('\n').filter((line) => line.includes('Outgoing messages are being dropped')).length;
    fleet.send({ cmd: 'exit' });
    fleet = undefined;
    await relay.stop();
    relay = undefined;

    const counts = (await sql`SELECT (SELECT count(*) FROM samples) AS samples, (SELECT count(*) FROM seals) AS seals`)[0]!;
    const sealRows = Number(counts.seals);
    const storedRows = Number(counts.samples) + sealRows;
    const flushRate = backlog / flushS;
    out(
      `(d) flush after outage: ${fmt(options.meters)} meters × ${fmt(options.offlineS)} s offline = ${fmt(backlog)} buffered records (${fmt(sealRows)} seals, signed by the firmware as they go out: ${fmt(flushed.signedSeals)} signatures; ` +
        `offline phase ${(online.offlineRealMs / 1000).toFixed(1)} s real; reconnect backoff ≤ ${BACKOFF_MAX_S} s), own Mosquitto with stock limits`,
    );
    out(`    stored and acknowledged, every meter queue empty, after ${flushS.toFixed(1)} s = ${fmt(flushRate)} records/s; all stored after ${storedS.toFixed(1)} s; ${fmt(storedRows)} rows for ${fmt(backlog)} records`);
    out(
      `    meters published ${fmt(flushed.published)} messages (${fmt(flushed.published - backlog)} beyond the records: retransmissions and statuses); relay: ${fmt(acksSent)} acks (mean ${ackLatencyMeanMs.toFixed(0)} ms from arrival), ` +
        `${fmt(resendRequests)} resend requests, ${fmt(recordsResent)} records resent or late, ${fmt(gapsOpened)} gaps opened; broker drop episodes: ${brokerDrops}`,
    );
    out(`    CPU during the flush, of one core: meters' process ${busy(flushed.cpuMs)}, relay's process ${busy((relayCpu.user + relayCpu.system) / 1000)} (plus its verify workers, PostgreSQL and Mosquitto)`);

    const rawPrefix = `pet-bench-flush-raw-${run}/`;
    const messages = await readWireMessages(sql, rawPrefix);
    const rawRate = await rawPassThrough(broker.url, run, options.connections, messages, rawPrefix);
    const rawS = messages.length / rawRate;
    out(`baseline  raw MQTT pass-through of the same ${fmt(messages.length)} messages (QoS 1, same broker)   ${fmt(rawRate)} msg/s = ${rawS.toFixed(2)} s`);
    out(`(d) flush after outage vs raw pass-through   ${fmt(flushRate)} records/s = ${ratio(flushRate, rawRate)} of raw MQTT (${multiple(flushS, rawS)} its time)`);
  } finally {
    if (fleet !== undefined) fleet.send({ cmd: 'exit' });
    await relay?.stop();
    await broker.dispose();
    await sql.end({ timeout: 5 });
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end({ timeout: 5 });
  }
}
