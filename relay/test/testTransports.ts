/**
 * The two transports every ingest test runs on (STYLE "one suite, every transport"): the embedded defaults
 * (PGlite in memory + aedes on a free port) and the machine's real servers (PostgreSQL in a fresh schema +
 * Mosquitto under a unique topic prefix, client ids and shared-subscription group). `cleanup` drops the schema
 * and ends the broker sessions the run created.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import postgres from 'postgres';
import { readRelayConfig, type RelayConfig } from '../config/relayConfig.ts';

export const TEST_DATABASE_URL = process.env.PET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_MQTT_URL = process.env.PET_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface TestTransport {
  name: string;
  /** Environment for a relay of this run (also usable for a child process). */
  env: Record<string, string>;
  /** Builds a relay config; `relayIndex` gives each relay of a run its own client ids. */
  config(overrides?: Record<string, string>): RelayConfig;
  /** Prefix of every topic of this run. */
  topicPrefix: string;
  /** URL a test publisher connects to (the embedded broker's URL is known only after start: undefined). */
  publishUrl: string | undefined;
  cleanup(): Promise<void>;
}

const quietEnv = { PET_LOG_LEVEL: 'silent', PET_HTTP_PORT: '0', PET_VERIFY_WORKERS: '1' };

export function pgliteAedesTransport(): TestTransport {
  const env = { ...quietEnv, PET_DATA_DIR: 'memory://', PET_MQTT_PORT: '0' };
  return {
    name: 'PGlite + aedes',
    env,
    config: (overrides = {}) => readRelayConfig({ ...env, ...overrides }),
    topicPrefix: '',
    publishUrl: undefined,
    cleanup: async () => {},
  };
}

export function postgresMosquittoTransport(): TestTransport {
  const run = randomBytes(4).toString('hex');
  const schema = `pet_test_${run}`;
  const topicPrefix = `pet-test-${run}/`;
  const env = {
    ...quietEnv,
    DATABASE_URL: TEST_DATABASE_URL,
    PET_DB_SCHEMA: schema,
    MQTT_URL: TEST_MQTT_URL,
    PET_TOPIC_PREFIX: topicPrefix,
    PET_RELAY_ID: `pet-test-${run}-a`,
    PET_MQTT_GROUP: `pet-test-${run}`,
    PET_MQTT_CONNECTIONS: '2',
  };
  const clientIds = new Set<string>();
  return {
    name: 'PostgreSQL + Mosquitto',
    env,
    config(overrides = {}) {
      const config = readRelayConfig({ ...env, ...overrides });
      for (let i = 0; i < config.mqttConnections; i++) clientIds.add(`${config.relayId}-${i}`);
      return config;
    },
    topicPrefix,
    publishUrl: TEST_MQTT_URL,
    async cleanup() {
      for (const clientId of clientIds) await endMqttSession(TEST_MQTT_URL, clientId);
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.end({ timeout: 5 });
    },
  };
}

/** Connects once with clean session = true, which makes the broker discard the persistent session of `clientId`. */
export async function endMqttSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 3000 });
  await client.endAsync();
}
