/**
 * Reads of matched trades (`market_trades`).
 */
import { sql } from 'drizzle-orm';
import type { IntervalTrade } from '../../market/buildSettlementBatch.ts';
import { inList } from '../inList.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** A stored trade with its delivery, when known. */
export interface StoredTrade extends IntervalTrade {
  intervalStartS: number;
  buyerMeter: string;
  amountMicro: bigint;
  sellerClimb: number;
  deliveredWh: number | null;
  paidMicro: bigint | null;
  /** The buyer's grid fee for the delivered energy, once the batch is built. */
  buyerFeeMicro: bigint | null;
}

function toTrade(row: Record<string, unknown>): StoredTrade {
  return {
    zone: String(row.zone), intervalStartS: Number(row.interval_start_s), tradeIndex: Number(row.trade_index),
    seller: String(row.seller), sellerMeter: String(row.seller_meter), buyer: String(row.buyer), buyerMeter: String(row.buyer_meter),
    energyWh: Number(row.energy_wh), priceMicroPerKWh: Number(row.price_micro_per_kwh), amountMicro: BigInt(String(row.amount_micro)),
    deliveredWh: row.delivered_wh === null ? null : Number(row.delivered_wh),
    paidMicro: row.paid_micro === null ? null : BigInt(String(row.paid_micro)),
    sellerFeeMicroPerKWh: Number(row.seller_fee_micro_per_kwh ?? 0), buyerFeeMicroPerKWh: Number(row.buyer_fee_micro_per_kwh ?? 0),
    sellerClimb: Number(row.seller_climb ?? 0), buyerClimb: Number(row.buyer_climb ?? 0),
    buyerFeeMicro: row.buyer_fee_micro === null || row.buyer_fee_micro === undefined ? null : BigInt(String(row.buyer_fee_micro)),
  };
}

/** Trades of one zone's interval, in trade order. */
export async function listIntervalTrades(db: RelayDatabase, zone: string, intervalStartS: number): Promise<StoredTrade[]> {
  return (await queryRows<Record<string, unknown>>(db, sql`SELECT * FROM market_trades WHERE zone = ${zone} AND interval_start_s = ${intervalStartS} ORDER BY trade_index`)).map(toTrade);
}

/** Trades of one interval in any of `zones` (a zone tree), by zone then trade order. */
export async function listTreeIntervalTrades(db: RelayDatabase, zones: readonly string[], intervalStartS: number): Promise<StoredTrade[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT * FROM market_trades WHERE interval_start_s = ${intervalStartS} AND ${inList('zone', zones)} ORDER BY zone, trade_index`);
  return rows.map(toTrade);
}

/** Trades of the intervals whose batch is in `state` (e.g. 'confirmed'). */
export async function listTradesByBatchState(db: RelayDatabase, state: string): Promise<StoredTrade[]> {
  return (
    await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT t.* FROM market_trades t JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s WHERE b.state = ${state} ORDER BY t.interval_start_s, t.zone, t.trade_index`,
    )
  ).map(toTrade);
}
