/**
 * Settlement batches (`settlement_batches`) and their state machine, every step a conditional update so that two
 * relays, or a relay and its restarted self, never both act on one step:
 *
 *   built ──(signed tx persisted)──► sent(txHash, rawTx) ──receipt ok──► confirmed
 *     │                               │  └─receipt reverted, interval not settled──► failed
 *     └─ nothing delivered: empty     └─ no receipt: look at the contract; rebroadcast the same raw tx
 *
 * A relay that clears without a chain (`PET_MARKET=clear`) records its batches as `unsettled`: never sent.
 */
import { sql } from 'drizzle-orm';
import type { Hex } from 'viem';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

export type BatchState = 'built' | 'sent' | 'confirmed' | 'failed' | 'empty' | 'unsettled';

/** A stored batch. */
export interface SettlementBatch {
  zone: string;
  intervalStartS: number;
  /** End of the market interval (from `market_intervals`). */
  intervalEndS: number;
  chainZone: bigint;
  batchKey: Hex;
  state: BatchState;
  priceMicroPerKWh: number;
  sellersHex: Hex;
  tradesHex: Hex;
  tradeCount: number;
  deliveredWh: number;
  grossMicro: bigint;
  /** Grid fees the batch credits the grid operator (buyers' and sellers'), as the contract computes them. */
  gridFeeMicro: bigint;
  txHash: Hex | null;
  rawTx: Hex | null;
  attempts: number;
  gasUsed: bigint | null;
}

const batchSelect = sql`SELECT b.*, i.interval_end_s FROM settlement_batches b JOIN market_intervals i ON i.zone = b.zone AND i.interval_start_s = b.interval_start_s`;

function toBatch(row: Record<string, unknown>): SettlementBatch {
  return {
    zone: String(row.zone),
    intervalStartS: Number(row.interval_start_s),
    intervalEndS: Number(row.interval_end_s),
    chainZone: BigInt(String(row.chain_zone)),
    batchKey: String(row.batch_key) as Hex,
    state: String(row.state) as BatchState,
    priceMicroPerKWh: Number(row.price_micro_per_kwh),
    sellersHex: String(row.sellers_hex) as Hex,
    tradesHex: String(row.trades_hex) as Hex,
    tradeCount: Number(row.trade_count),
    deliveredWh: Number(row.delivered_wh),
    grossMicro: BigInt(String(row.gross_micro)),
    gridFeeMicro: BigInt(String(row.grid_fee_micro ?? 0)),
    txHash: row.tx_hash === null || row.tx_hash === undefined ? null : (String(row.tx_hash) as Hex),
    rawTx: row.raw_tx === null || row.raw_tx === undefined ? null : (String(row.raw_tx) as Hex),
    attempts: Number(row.attempts),
    gasUsed: row.gas_used === null || row.gas_used === undefined ? null : BigInt(String(row.gas_used)),
  };
}

/** Cleared intervals with trades whose end is at or before `endedByS` and that have no batch yet. */
export async function listIntervalsAwaitingBatch(db: RelayDatabase, endedByS: number): Promise<{ zone: string; intervalStartS: number; intervalEndS: number }[]> {
  const rows = await queryRows<{ zone: string; interval_start_s: unknown; interval_end_s: unknown }>(
    db,
    sql`SELECT i.zone, i.interval_start_s, i.interval_end_s FROM market_intervals i
        LEFT JOIN settlement_batches b ON b.zone = i.zone AND b.interval_start_s = i.interval_start_s
        WHERE b.zone IS NULL AND i.trade_count > 0 AND i.interval_end_s <= ${endedByS} ORDER BY i.interval_start_s, i.zone`,
  );
  return rows.map((row) => ({ zone: row.zone, intervalStartS: Number(row.interval_start_s), intervalEndS: Number(row.interval_end_s) }));
}

/** Batches that still need the chain (built or sent) and are due. */
export async function listOpenBatches(db: RelayDatabase): Promise<SettlementBatch[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`${batchSelect} WHERE b.state IN ('built', 'sent') AND b.next_attempt_at <= now() ORDER BY b.interval_start_s, b.zone`);
  return rows.map(toBatch);
}

/**
 * The packed sellers of every batch still to reach the chain (built or sent, due or deferred), by interval: a seal
 * paid in several batches of its interval must be paid in all of them before the meter's next seal settles.
 */
export async function listUnfinishedBatchSellers(db: RelayDatabase): Promise<{ zone: string; intervalStartS: number; sellersHex: Hex }[]> {
  const rows = await queryRows<{ zone: string; interval_start_s: unknown; sellers_hex: string }>(db, sql`SELECT zone, interval_start_s, sellers_hex FROM settlement_batches WHERE state IN ('built', 'sent')`);
  return rows.map((row) => ({ zone: row.zone, intervalStartS: Number(row.interval_start_s), sellersHex: row.sellers_hex as Hex }));
}

/** One batch. */
export async function findBatch(db: RelayDatabase, zone: string, intervalStartS: number): Promise<SettlementBatch | undefined> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`${batchSelect} WHERE b.zone = ${zone} AND b.interval_start_s = ${intervalStartS}`);
  return rows[0] === undefined ? undefined : toBatch(rows[0]);
}

/** Every batch (tests, dashboards). */
export async function listBatches(db: RelayDatabase): Promise<SettlementBatch[]> {
  return (await queryRows<Record<string, unknown>>(db, sql`${batchSelect} ORDER BY b.interval_start_s, b.zone`)).map(toBatch);
}

/**
 * built/sent → sent with this signed transaction, only if the batch is still in `from` with `fromTxHash`.
 * Resolves false when someone else moved it first.
 */
export async function markBatchSent(db: RelayDatabase, batch: SettlementBatch, txHash: Hex, rawTx: Hex): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`UPDATE settlement_batches SET state = 'sent', tx_hash = ${txHash}, raw_tx = ${rawTx}, attempts = attempts + 1, updated_at = now(), last_error = NULL
        WHERE zone = ${batch.zone} AND interval_start_s = ${batch.intervalStartS} AND state = ${batch.state}
          AND tx_hash IS NOT DISTINCT FROM ${batch.txHash} RETURNING zone`,
  );
  return rows.length === 1;
}

/** sent → confirmed (by our transaction or, found on-chain, another one). */
export async function markBatchConfirmed(db: RelayDatabase, batch: SettlementBatch, txHash: Hex, blockNumber: bigint, gasUsed: bigint | null): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`UPDATE settlement_batches SET state = 'confirmed', tx_hash = ${txHash}, block_number = ${blockNumber.toString()}, gas_used = ${gasUsed === null ? null : gasUsed.toString()}, updated_at = now(), last_error = NULL
        WHERE zone = ${batch.zone} AND interval_start_s = ${batch.intervalStartS} AND state IN ('built', 'sent') RETURNING zone`,
  );
  return rows.length === 1;
}

/** → failed, with the reason (a reverted settlement the contract will never accept as it is). */
export async function markBatchFailed(db: RelayDatabase, batch: SettlementBatch, reason: string): Promise<void> {
  await db.execute(sql`UPDATE settlement_batches SET state = 'failed', last_error = ${reason.slice(0, 500)}, updated_at = now()
    WHERE zone = ${batch.zone} AND interval_start_s = ${batch.intervalStartS} AND state IN ('built', 'sent')`);
}

/** Keeps the state, records the error, and waits `delayMs` before the next attempt (chain down, backoff). */
export async function deferBatch(db: RelayDatabase, batch: SettlementBatch, reason: string, delayMs: number): Promise<void> {
  await db.execute(sql`UPDATE settlement_batches SET last_error = ${reason.slice(0, 500)}, attempts = attempts + 1,
    next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
    WHERE zone = ${batch.zone} AND interval_start_s = ${batch.intervalStartS}`);
}
