/**
 * The right to erasure (GDPR art. 17), in one transaction, for a signed-in owner:
 *
 * - deleted: raw samples, hourly rollups, status, chain gaps, rejections naming the meters, encrypted profiles,
 *   standing orders, notifications, and every seal and metered interval that no paid settlement rests on;
 * - kept, pseudonymised (art. 17(3)(b) and (e): bookkeeping and tax law, settlement audits): the seals and
 *   metered intervals of intervals the meter traded in with a confirmed on-chain settlement, the trades and
 *   interval orders themselves with the owner's address replaced by its keyed pseudonym, the meter row with its
 *   owner link removed (`owner_address` NULL, inactive) and the pseudonym in `meter_pseudonyms`, and the meter's
 *   chain head (needed to keep verifying its hash chain);
 * - recorded: a `privacy_erasures` row with the time and the counts, and no address or pseudonym.
 *
 * Refused with `settlement_pending` while any of the owner's trades waits for its settlement: erasing then would
 * break a payment in flight. docs/privacy.md lists all of this for owners.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { DataKeyring } from './dataKeyring.ts';
import { ownerPseudonym } from './ownerPseudonym.ts';
import { inList } from '../store/inList.ts';
import { presentTables } from './presentTables.ts';
import { PrivacyError } from './privacyError.ts';

/** Counts of rows per table. */
export type TableCounts = Record<string, number>;

export interface ErasureResult {
  /** When it happened (the `privacy_erasures` row's time). */
  erasedAt: string;
  /** Meters whose owner link was removed. */
  meters: string[];
  deleted: TableCounts;
  kept: TableCounts;
}

const MARKET_TABLES = ['market_trades', 'settlement_batches', 'interval_orders', 'standing_orders', 'notifications'] as const;

async function count(db: RelayDatabase, query: ReturnType<typeof sql>): Promise<number> {
  const rows = await queryRows<{ n: unknown }>(db, query);
  return Number(rows[0]?.n ?? 0);
}

/** `DELETE … RETURNING` counted. */
function deleted(db: RelayDatabase, table: string, where: ReturnType<typeof sql>): Promise<number> {
  return count(db, sql`WITH d AS (DELETE FROM ${sql.raw(table)} WHERE ${where} RETURNING 1) SELECT count(*) AS n FROM d`);
}

/** `UPDATE … RETURNING` counted. */
function updated(db: RelayDatabase, table: string, set: ReturnType<typeof sql>, where: ReturnType<typeof sql>): Promise<number> {
  return count(db, sql`WITH u AS (UPDATE ${sql.raw(table)} SET ${set} WHERE ${where} RETURNING 1) SELECT count(*) AS n FROM u`);
}

/**
 * Erases the personal data of `owner` (any case) and returns what was deleted and kept.
 * @throws {PrivacyError} `settlement_pending`.
 * @example const result = await eraseOwnerData({ db, keyring, owner: session.address });
 */
export async function eraseOwnerData(options: { db: RelayDatabase; keyring: DataKeyring; owner: string }): Promise<ErasureResult> {
  const owner = options.owner.toLowerCase();
  const key = options.keyring.current;
  const pseudonym = ownerPseudonym(key, owner);
  return options.db.transaction(async (transaction) => {
    const db = transaction as unknown as RelayDatabase;
    const meterRows = await queryRows<{ address: string }>(db, sql`SELECT address FROM meters WHERE owner_address = ${owner} ORDER BY address FOR UPDATE`);
    const meters = meterRows.map((row) => row.address);
    // Ingest holds a meter's chain-head row lock until its batch commits: taking the same locks (in the same meter
    // order) waits for batches in flight, so the deletes below see their samples.
    await db.execute(sql`SELECT meter FROM chain_heads WHERE ${inList('meter', meters)} ORDER BY meter FOR UPDATE`);
    const present = await presentTables(db, MARKET_TABLES);
    const hasSettlement = present.has('market_trades') && present.has('settlement_batches');
    const ownTrades = sql`(seller = ${owner} OR buyer = ${owner} OR ${inList('seller_meter', meters)} OR ${inList('buyer_meter', meters)})`;

    if (hasSettlement) {
      const pending = await count(
        db,
        sql`SELECT count(*) AS n FROM market_trades t LEFT JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s
            WHERE (t.seller = ${owner} OR t.buyer = ${owner} OR ${inList('t.seller_meter', meters)} OR ${inList('t.buyer_meter', meters)})
              AND (b.state IS NULL OR b.state IN ('built', 'sent'))`,
      );
      if (pending > 0) {
        throw new PrivacyError('settlement_pending', `expected no trades awaiting settlement, got ${pending}; erasure is possible once their settlement is confirmed or has failed`);
      }
    }

    // Seals and metered intervals that a confirmed on-chain settlement paid for stay as its evidence.
    const paidIntervals = hasSettlement
      ? sql`(meter, start_s) IN (
          SELECT t.seller_meter, t.interval_start_s FROM market_trades t JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s AND b.state = 'confirmed'
          UNION SELECT t.buyer_meter, t.interval_start_s FROM market_trades t JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s AND b.state = 'confirmed')`
      : sql`false`;
    const ownMeters = inList('meter', meters);

    const removed: TableCounts = {};
    removed.samples = await deleted(db, 'samples', ownMeters);
    removed.sample_rollups = await deleted(db, 'sample_rollups', ownMeters);
    removed.meter_status = await deleted(db, 'meter_status', ownMeters);
    removed.chain_gaps = await deleted(db, 'chain_gaps', ownMeters);
    removed.abandoned_gaps = await deleted(db, 'abandoned_gaps', ownMeters);
    removed.rejections = await deleted(db, 'rejections', ownMeters);
    removed.meter_profiles = await deleted(db, 'meter_profiles', ownMeters);
    removed.seals = await deleted(db, 'seals', sql`${ownMeters} AND NOT ${paidIntervals}`);
    removed.meter_intervals = await deleted(db, 'meter_intervals', sql`${ownMeters} AND NOT ${paidIntervals}`);
    if (present.has('standing_orders')) removed.standing_orders = await deleted(db, 'standing_orders', sql`(${ownMeters} OR participant = ${owner})`);
    if (present.has('notifications')) removed.notifications = await deleted(db, 'notifications', sql`recipient = ${owner}`);

    const kept: TableCounts = {};
    kept.seals = await count(db, sql`SELECT count(*) AS n FROM seals WHERE ${ownMeters}`);
    kept.meter_intervals = await count(db, sql`SELECT count(*) AS n FROM meter_intervals WHERE ${ownMeters}`);
    kept.chain_heads = await count(db, sql`SELECT count(*) AS n FROM chain_heads WHERE ${ownMeters}`);
    if (present.has('market_trades')) {
      kept.market_trades = await count(db, sql`SELECT count(*) AS n FROM market_trades WHERE ${ownTrades}`);
      await updated(db, 'market_trades', sql`seller = ${pseudonym}`, sql`seller = ${owner}`);
      await updated(db, 'market_trades', sql`buyer = ${pseudonym}`, sql`buyer = ${owner}`);
    }
    if (present.has('interval_orders')) kept.interval_orders = await updated(db, 'interval_orders', sql`participant = ${pseudonym}`, sql`participant = ${owner}`);
    kept.meters = await updated(db, 'meters', sql`owner_address = NULL, is_active = false`, sql`owner_address = ${owner}`);
    for (const meter of meters) {
      await db.execute(sql`INSERT INTO meter_pseudonyms (meter, owner_pseudonym, key_id) VALUES (${meter}, ${pseudonym}, ${key.id})
        ON CONFLICT (meter) DO UPDATE SET owner_pseudonym = excluded.owner_pseudonym, key_id = excluded.key_id, erased_at = now()`);
    }
    const logged = await queryRows<{ erased_at: unknown }>(
      db,
      sql`INSERT INTO privacy_erasures (meter_count, deleted_json, kept_json) VALUES (${meters.length}, ${JSON.stringify(removed)}, ${JSON.stringify(kept)}) RETURNING erased_at`,
    );
    const erasedAt = logged[0]!.erased_at;
    return { erasedAt: erasedAt instanceof Date ? erasedAt.toISOString() : new Date(String(erasedAt)).toISOString(), meters, deleted: removed, kept };
  });
}
