/**
 * Gauges read from the database at scrape time, for what no single relay process sees alone: meters online,
 * the market's progress, settlement backlog and the chain's last confirmed block. Every relay sharing a database
 * reports the same values, so aggregate them across relays with `max`, not `sum` (docs/operations.md).
 *
 * One set of queries serves a scrape (the gauges share a snapshot at most `cacheMs` old). A failing query leaves
 * the previous values and counts `pet_relay_database_gauge_failures_total`; `/metrics` itself never fails on it.
 * Market and settlement gauges read their tables only where those exist.
 */
import { sql } from 'drizzle-orm';
import { Counter, Gauge, type Registry } from 'prom-client';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';

/** Seconds since a meter's last stored record within which it counts as online (default). */
export const METERS_ONLINE_WINDOW_S = 300;

const SETTLEMENT_STATES = ['built', 'sent', 'confirmed', 'failed', 'empty'] as const;

interface Snapshot {
  metersOnline: number;
  metersRegistered: number;
  lastClearedIntervalStartS: number | undefined;
  batchesByState: Record<string, number>;
  oldestPendingAgeS: number;
  lastConfirmedBlock: number | undefined;
}

async function exists(db: RelayDatabase, table: string): Promise<boolean> {
  const rows = await queryRows<{ present: boolean }>(db, sql`SELECT to_regclass(${table}) IS NOT NULL AS present`);
  return rows[0]?.present === true;
}

async function readSnapshot(db: RelayDatabase, windowS: number): Promise<Snapshot> {
  const meters = await queryRows<{ online: unknown; registered: unknown }>(
    db,
    sql`SELECT (SELECT count(*) FROM chain_heads WHERE updated_at > now() - make_interval(secs => ${windowS})) AS online,
               (SELECT count(*) FROM meters WHERE is_registered AND is_active) AS registered`,
  );
  const snapshot: Snapshot = {
    metersOnline: Number(meters[0]?.online ?? 0),
    metersRegistered: Number(meters[0]?.registered ?? 0),
    lastClearedIntervalStartS: undefined,
    batchesByState: Object.fromEntries(SETTLEMENT_STATES.map((state) => [state, 0])),
    oldestPendingAgeS: 0,
    lastConfirmedBlock: undefined,
  };
  if (await exists(db, 'market_intervals')) {
    const rows = await queryRows<{ last: unknown }>(db, sql`SELECT max(interval_start_s) AS last FROM market_intervals`);
    if (rows[0]?.last !== null && rows[0]?.last !== undefined) snapshot.lastClearedIntervalStartS = Number(rows[0].last);
  }
  if (await exists(db, 'settlement_batches')) {
    for (const row of await queryRows<{ state: string; n: unknown }>(db, sql`SELECT state, count(*) AS n FROM settlement_batches GROUP BY state`)) {
      snapshot.batchesByState[row.state] = Number(row.n);
    }
    const rows = await queryRows<{ age: unknown; block: unknown }>(
      db,
      sql`SELECT (SELECT extract(epoch FROM now()) - min(interval_start_s) FROM settlement_batches WHERE state IN ('built', 'sent')) AS age,
                 (SELECT max(block_number) FROM settlement_batches WHERE state = 'confirmed') AS block`,
    );
    snapshot.oldestPendingAgeS = rows[0]?.age === null || rows[0]?.age === undefined ? 0 : Math.max(0, Math.floor(Number(rows[0].age)));
    if (rows[0]?.block !== null && rows[0]?.block !== undefined) snapshot.lastConfirmedBlock = Number(rows[0].block);
  }
  return snapshot;
}

/**
 * Adds the database gauges to `registry` (once; a second call on the same registry does nothing).
 * @example registerDatabaseGauges(metrics.registry, store.db);
 */
export function registerDatabaseGauges(registry: Registry, db: RelayDatabase, options: { onlineWindowS?: number; cacheMs?: number } = {}): void {
  if (registry.getSingleMetric('pet_relay_meters_online') !== undefined) return;
  const windowS = options.onlineWindowS ?? METERS_ONLINE_WINDOW_S;
  const cacheMs = options.cacheMs ?? 1_000;
  const failures = new Counter({ name: 'pet_relay_database_gauge_failures_total', help: 'Scrapes whose database gauges could not be read (values kept from before)', registers: [registry] });
  let cached: { atMs: number; snapshot: Promise<Snapshot | undefined> } | undefined;
  const snapshot = (): Promise<Snapshot | undefined> => {
    const nowMs = Date.now();
    if (cached === undefined || nowMs - cached.atMs > cacheMs) {
      cached = {
        atMs: nowMs,
        snapshot: readSnapshot(db, windowS).catch(() => {
          failures.inc();
          return undefined;
        }),
      };
    }
    return cached.snapshot;
  };
  const gauge = (name: string, help: string, read: (s: Snapshot) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        const value = s === undefined ? undefined : read(s);
        if (value !== undefined) this.set(value);
      },
    });
  gauge('pet_relay_meters_online', `Meters with a record stored in the last ${windowS} s`, (s) => s.metersOnline);
  gauge('pet_relay_meters_registered', 'Registered, active meters', (s) => s.metersRegistered);
  gauge('pet_relay_market_last_cleared_interval_start_seconds', 'Start (Unix s) of the newest cleared market interval in any zone', (s) => s.lastClearedIntervalStartS);
  gauge('pet_relay_settlements_pending', 'Settlement batches built or sent and not yet confirmed', (s) => (s.batchesByState.built ?? 0) + (s.batchesByState.sent ?? 0));
  gauge('pet_relay_settlement_oldest_pending_age_seconds', 'Now minus the interval start of the oldest unconfirmed settlement batch (0 when none)', (s) => s.oldestPendingAgeS);
  gauge('pet_relay_chain_last_confirmed_block', 'Block number of the newest confirmed settlement', (s) => s.lastConfirmedBlock);
  new Gauge({
    name: 'pet_relay_settlement_batches',
    help: 'Settlement batches by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s === undefined) return;
      for (const [state, count] of Object.entries(s.batchesByState)) this.set({ state }, count);
    },
  });
}
