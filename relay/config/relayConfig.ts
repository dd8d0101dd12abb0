/**
 * The relay's configuration: one validated, immutable value read once from the environment at start-up and
 * passed down to every room (store, ingest, verify, web, feed). Errors name the variable to fix.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { MarketError } from '../../shared/market/marketError.ts';
import { parseZoneForest } from '../../shared/market/parseZoneForest.ts';
import type { ZoneNode } from '../../shared/market/zoneTree.ts';
import { ConfigError } from './configError.ts';

/** Where records are stored: PostgreSQL through postgres.js, or PGlite (Postgres in WASM) in a local folder. */
export type DatabaseConfig =
  | { kind: 'postgres'; url: string; schema: string | undefined; maxConnections: number }
  | { kind: 'pglite'; dataDir: string };

/** Which broker meters publish to: an embedded aedes in this process, or any external MQTT 3.1.1/5 broker. */
export type BrokerConfig =
  | { kind: 'embedded'; port: number; host: string; url: string }
  | { kind: 'external'; url: string };

/** What the relay does with a record from a meter that is not in the `meters` table (ADR 0302). */
export type UnknownMeterPolicy = 'accept' | 'reject';

export interface RelayConfig {
  database: DatabaseConfig;
  broker: BrokerConfig;
  /** `PET_HTTP_PORT`: the web room's HTTP + WebSocket port (0 = any free port). */
  httpPort: number;
  /** `PET_HTTP_HOST`: address the web room binds to. */
  httpHost: string;
  /** `PET_RELAY_ID`: fixed per relay instance; MQTT client ids are `<relayId>-<n>` so sessions persist. */
  relayId: string;
  /** `PET_MQTT_GROUP`: MQTT shared-subscription group; relays in one group split the meters' messages. */
  sharedGroup: string;
  /** `PET_MQTT_CONNECTIONS`: broker connections per relay; each has its own in-flight window. */
  mqttConnections: number;
  /** `PET_TOPIC_PREFIX`: prepended to `pet/v1/meters/…` (empty in production; tests isolate runs with it). */
  topicPrefix: string;
  /** `PET_QUEUE_MAX`: records waiting to be stored before the relay stops reading from the broker. */
  queueMaxRecords: number;
  /** `PET_BATCH_MAX`: most records written in one database statement. */
  batchMaxRecords: number;
  /** `PET_VERIFY_WORKERS`: worker threads that check seal signatures. */
  verifyWorkers: number;
  /** `PET_VERIFY_BATCH_MAX`: most seals sent to one worker in one message. */
  verifyBatchMax: number;
  /** `PET_CLOCK_SKEW_S`: how far in the future a measurement time may lie before it is refused. */
  clockSkewS: number;
  /** `PET_RETENTION_DAYS`: raw samples older than this are folded into interval aggregates. */
  retentionDays: number;
  /**
   * `PET_RESEND_HOLD_MS`: after asking a meter to resend from a gap, wait this long before asking again for the
   * same gap (then twice as long each time, up to a minute) while it stays open.
   */
  resendHoldMs: number;
  /** `PET_UNKNOWN_METERS`: `accept` (store and flag) or `reject`. */
  unknownMeterPolicy: UnknownMeterPolicy;
  /** `PET_LOG_LEVEL`: pino level. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `PET_ZONE_TREE`: path of a JSON file with the zone tree (one root zone or an array of roots; format in
   * docs/grid_integration.md §Zone tree). Unset: no tree — every zone clears on its own.
   */
  zoneForest: readonly ZoneNode[];
}

type Env = Readonly<Record<string, string | undefined>>;

function readInteger(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError('invalid_setting', variable, `expected an integer ${min} … ${max}, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError('invalid_setting', variable, `expected an integer ${min} … ${max}, got ${value}`);
  return value;
}

function readZoneForest(env: Env): readonly ZoneNode[] {
  const path = env.PET_ZONE_TREE;
  if (path === undefined || path === '') return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('invalid_setting', 'PET_ZONE_TREE', `expected a readable JSON file, got ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('invalid_setting', 'PET_ZONE_TREE', `expected JSON in ${path}, got ${(error as Error).message}`);
  }
  try {
    return parseZoneForest(value);
  } catch (error) {
    if (error instanceof MarketError) throw new ConfigError('invalid_setting', 'PET_ZONE_TREE', `${path}: ${error.code}: ${error.message}`);
    throw error;
  }
}

function readChoice<T extends string>(env: Env, variable: string, fallback: T, choices: readonly T[]): T {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError('invalid_setting', variable, `expected one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

function readName(env: Env, variable: string, fallback: string, pattern: RegExp, expected: string): string {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  if (!pattern.test(text)) throw new ConfigError('invalid_setting', variable, `expected ${expected}, got ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

function readUrl(env: Env, variable: string, protocols: readonly string[]): string | undefined {
  const text = env[variable];
  if (text === undefined || text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('invalid_setting', variable, `expected a URL such as ${protocols[0]}//host:port, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError('invalid_setting', variable, `expected a ${protocols.join(' or ')} URL, got ${url.protocol}`);
  }
  return text;
}

function readDatabase(env: Env): DatabaseConfig {
  const url = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (url === undefined) return { kind: 'pglite', dataDir: env.PET_DATA_DIR || './.data/pglite' };
  const schema = env.PET_DB_SCHEMA ? readName(env, 'PET_DB_SCHEMA', '', /^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier') : undefined;
  return { kind: 'postgres', url, schema, maxConnections: readInteger(env, 'PET_DB_CONNECTIONS', 4, 1, 100) };
}

function readBroker(env: Env): BrokerConfig {
  const url = readUrl(env, 'MQTT_URL', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']);
  if (url !== undefined) return { kind: 'external', url };
  const port = readInteger(env, 'PET_MQTT_PORT', 1884, 0, 65535);
  const host = env.PET_MQTT_HOST || '127.0.0.1';
  return { kind: 'embedded', port, host, url: `mqtt://${host}:${port}` };
}

/**
 * Reads and validates the relay's settings from `env` (normally `process.env`) and returns them frozen.
 *
 * @throws {ConfigError} naming the first variable whose value cannot be used.
 * @example
 * const config = readRelayConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
 */
export function readRelayConfig(env: Env = process.env): RelayConfig {
  const config: RelayConfig = {
    database: Object.freeze(readDatabase(env)),
    broker: Object.freeze(readBroker(env)),
    httpPort: readInteger(env, 'PET_HTTP_PORT', 8080, 0, 65535),
    httpHost: env.PET_HTTP_HOST || '127.0.0.1',
    relayId: readName(env, 'PET_RELAY_ID', 'pet-relay-1', /^[A-Za-z0-9_-]{1,40}$/, '1 … 40 letters, digits, "_" or "-"'),
    sharedGroup: readName(env, 'PET_MQTT_GROUP', 'pet-relays', /^[A-Za-z0-9_-]{1,40}$/, '1 … 40 letters, digits, "_" or "-"'),
    mqttConnections: readInteger(env, 'PET_MQTT_CONNECTIONS', 16, 1, 64),
    topicPrefix: readName(env, 'PET_TOPIC_PREFIX', '', /^([A-Za-z0-9_-]{1,40}\/)?$/, 'a topic level followed by "/" (e.g. "site-a/")'),
    queueMaxRecords: readInteger(env, 'PET_QUEUE_MAX', 20_000, 10, 1_000_000),
    batchMaxRecords: readInteger(env, 'PET_BATCH_MAX', 2_000, 1, 5_000),
    verifyWorkers: readInteger(env, 'PET_VERIFY_WORKERS', Math.max(1, Math.min(4, cpus().length)), 1, 64),
    verifyBatchMax: readInteger(env, 'PET_VERIFY_BATCH_MAX', 256, 1, 10_000),
    clockSkewS: readInteger(env, 'PET_CLOCK_SKEW_S', 120, 0, 86_400),
    retentionDays: readInteger(env, 'PET_RETENTION_DAYS', 30, 1, 36_500),
    resendHoldMs: readInteger(env, 'PET_RESEND_HOLD_MS', 3_000, 10, 600_000),
    unknownMeterPolicy: readChoice(env, 'PET_UNKNOWN_METERS', 'accept', ['accept', 'reject'] as const),
    logLevel: readChoice(env, 'PET_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    zoneForest: readZoneForest(env),
  };
  return Object.freeze(config);
}
