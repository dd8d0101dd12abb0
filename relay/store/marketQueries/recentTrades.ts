/**
 * Recent trades for the API and dashboard (`GET /api/v1/zones/{zone}/trades`, `GET /api/v1/meters/{address}/trades`
 * as `relay/web/dashboard/src/marketActivity.ts` reads them): matched energy, what delivery paid, and where its
 * settlement stands (`matched` before a batch, then the batch's state) with the transaction hash once sent.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** One trade as the API shows it; money as decimal strings of micro-units. */
export interface TradeView {
  zone: string;
  intervalStartS: number;
  seller: string;
  buyer: string;
  sellerMeter: string;
  buyerMeter: string;
  /** Delivered (paid) energy once settled, else the matched energy. */
  energyWh: number;
  tradedWh: number;
  priceMicroPerKWh: number;
  amountMicro: string;
  status: 'matched' | 'built' | 'sent' | 'confirmed' | 'failed' | 'empty' | 'unsettled';
  txHash: string | null;
  /** Grid fee per kWh each side owes for the zone levels its order climbed to `zone` (0 for a local trade). */
  sellerFeeMicroPerKWh: number;
  buyerFeeMicroPerKWh: number;
}

/**
 * Newest first. Filter by zone, or by a meter (as seller or buyer meter).
 * @example await listRecentTrades(db, { zone: 'feeder-1', limit: 100 });
 */
export async function listRecentTrades(db: RelayDatabase, filter: { zone?: string; meter?: string; limit?: number }): Promise<TradeView[]> {
  const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
  const where =
    filter.zone !== undefined
      ? sql`WHERE t.zone = ${filter.zone}`
      : filter.meter !== undefined
        ? sql`WHERE t.seller_meter = ${filter.meter.toLowerCase()} OR t.buyer_meter = ${filter.meter.toLowerCase()}`
        : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT t.*, b.state, b.tx_hash FROM market_trades t
        LEFT JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s
        ${where} ORDER BY t.interval_start_s DESC, t.zone, t.trade_index LIMIT ${limit}`,
  );
  return rows.map(toTradeView);
}

/** A `market_trades` row joined with its batch's `state` and `tx_hash`, as the API shows it. */
export function toTradeView(row: Record<string, unknown>): TradeView {
  const isDelivered = row.delivered_wh !== null && row.delivered_wh !== undefined;
  return {
    zone: String(row.zone),
    intervalStartS: Number(row.interval_start_s),
    seller: String(row.seller),
    buyer: String(row.buyer),
    sellerMeter: String(row.seller_meter),
    buyerMeter: String(row.buyer_meter),
    energyWh: isDelivered ? Number(row.delivered_wh) : Number(row.energy_wh),
    tradedWh: Number(row.energy_wh),
    priceMicroPerKWh: Number(row.price_micro_per_kwh),
    amountMicro: String(isDelivered ? row.paid_micro : row.amount_micro),
    status: (row.state ?? 'matched') as TradeView['status'],
    txHash: row.tx_hash === null || row.tx_hash === undefined ? null : String(row.tx_hash),
    sellerFeeMicroPerKWh: Number(row.seller_fee_micro_per_kwh ?? 0),
    buyerFeeMicroPerKWh: Number(row.buyer_fee_micro_per_kwh ?? 0),
  };
}
