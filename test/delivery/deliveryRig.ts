/**
 * What every delivery test stands on: a Mosquitto of its own with tight limits (so it certainly drops messages
 * it has already PUBACKed, and logs that it did), the relay as a child process exactly as an operator runs it
 * (`bin/peer-energy-trader.js relay`) on the machine's PostgreSQL in a fresh schema, and the means to look at the
 * result: SQL on that schema, the relay's metrics, the broker's log. The machine's own Mosquitto on 1883 is never
 * touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { spawnRelay, relayHttpUrl, stopRelay, type RelayProcess } from '../../relay/test/relayProcess.ts';
import { createMosquittoProcess, type MosquittoProcess } from '../device/mosquittoProcess.ts';

export const TEST_DATABASE_URL = process.env.PET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The line Mosquitto logs when a client's queue is full and it starts discarding messages for it. */
export const BROKER_DROP_LINE = 'Outgoing messages are being dropped for client';

export const OPERATOR_TOKEN = 'delivery-test-operator-token-0123456789';

export interface DeliveryRigOptions {
  /** Mosquitto `max_queued_messages`: per client, beyond those in flight; beyond it the broker drops. */
  maxQueuedMessages: number;
  /** Mosquitto `max_inflight_messages` (its default 20 otherwise). */
  maxInflightMessages?: number;
  /** `PET_MQTT_CONNECTIONS` of the relay: each connection has its own in-flight window and queue at the broker. */
  relayConnections: number;
  /** Extra relay environment. */
  relayEnv?: Record<string, string>;
}

export interface DeliveryRig {
  broker: MosquittoProcess;
  /** A client on the relay's schema. */
  sql: postgres.Sql;
  /** The relay now running (replaced by `startRelay`). */
  relay: RelayProcess | undefined;
  /** Starts the relay (again: same schema, same client ids, so the broker's persistent sessions resume). */
  startRelay(): Promise<RelayProcess>;
  /** SIGKILL: no chance to finish a batch, send a PUBACK or an ack. */
  killRelay(): Promise<string>;
  /** Folder for the meters' flash. */
  workDir: string;
  /** Client ids the broker logged dropping messages for, with how often. */
  brokerDrops(): Map<string, number>;
  /** The relay's delivery metrics (`pet_*resen*`, `pet_*gaps*`, `pet_*ack*`), summed over labels. */
  deliveryMetrics(): Promise<Record<string, number>>;
  /** Watermark, head and open gaps per meter, for failure messages. */
  describeHeads(addresses: readonly string[]): Promise<string>;
  dispose(): Promise<void>;
}

export async function createDeliveryRig(options: DeliveryRigOptions): Promise<DeliveryRig> {
  const run = randomBytes(4).toString('hex');
  const schema = `pet_delivery_${run}`;
  const workDir = mkdtempSync(join(tmpdir(), 'pet-delivery-'));
  const broker = await createMosquittoProcess({
    maxQueuedMessages: options.maxQueuedMessages,
    maxInflightMessages: options.maxInflightMessages,
    logTypes: ['error', 'warning', 'notice', 'information'],
  });
  await broker.start();
  const env: Record<string, string> = {
    DATABASE_URL: TEST_DATABASE_URL,
    PET_DB_SCHEMA: schema,
    MQTT_URL: broker.url,
    PET_RELAY_ID: `pet-delivery-${run}`,
    PET_MQTT_GROUP: `pet-delivery-${run}`,
    PET_MQTT_CONNECTIONS: String(options.relayConnections),
    PET_HTTP_PORT: '0',
    PET_VERIFY_WORKERS: '1',
    PET_OPERATOR_TOKEN: OPERATOR_TOKEN,
    ...options.relayEnv,
  };
  const sql = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {}, connection: { search_path: schema } });

  const rig: DeliveryRig = {
    broker,
    sql,
    relay: undefined,
    workDir,
    async startRelay() {
      rig.relay = await spawnRelay(env);
      return rig.relay;
    },
    async killRelay() {
      const relay = rig.relay!;
      relay.child.kill('SIGKILL');
      return relay.exited;
    },
    brokerDrops() {
      const drops = new Map<string, number>();
      for (const line of broker.log().split('\n')) {
        const at = line.indexOf(BROKER_DROP_LINE);
        if (at < 0) continue;
        const client = line.slice(at + BROKER_DROP_LINE.length).trim().replace(/\.$/, '');
        drops.set(client, (drops.get(client) ?? 0) + 1);
      }
      return drops;
    },
    async deliveryMetrics() {
      const url = rig.relay === undefined ? undefined : relayHttpUrl(rig.relay);
      if (url === undefined) return {};
      const text = await (await fetch(`${url}/metrics`)).text();
      const figures: Record<string, number> = {};
      for (const line of text.split('\n')) {
        if (line.startsWith('#')) continue;
        const match = /^(pet_\w*(?:resen|gaps|acks|ack_latency_seconds_count)\w*)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
        if (match) figures[match[1]!] = (figures[match[1]!] ?? 0) + Number(match[2]);
      }
      return figures;
    },
    async describeHeads(addresses) {
      const heads = await sql`SELECT meter, contiguous_seq, last_seq FROM chain_heads WHERE meter IN ${sql(addresses as string[])}`;
      const gaps = await sql`SELECT meter, from_seq, to_seq FROM chain_gaps WHERE meter IN ${sql(addresses as string[])} AND to_seq > (SELECT contiguous_seq FROM chain_heads h WHERE h.meter = chain_gaps.meter)`;
      return addresses
        .map((address) => {
          const head = heads.find((row) => row.meter === address);
          const open = gaps.filter((row) => row.meter === address).map((row) => `${row.from_seq}–${row.to_seq}`);
          return `${address.slice(0, 10)}: ${head === undefined ? 'nothing stored' : `watermark ${head.contiguous_seq}, last ${head.last_seq}`}${open.length > 0 ? `, open gaps ${open.join(' ')}` : ''}`;
        })
        .join('; ');
    },
    async dispose() {
      if (rig.relay !== undefined) await stopRelay(rig.relay, 10_000);
      await broker.dispose();
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
      await sql.end({ timeout: 5 });
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return rig;
}
