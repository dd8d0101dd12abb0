/**
 * Trades of a zone, or of one meter, whose interval starts in a time range — the ranged form of
 * `listRecentTrades` (`recentTrades.ts`) behind `GET /api/v1/zones/{zone}/trades` and
 * `GET /api/v1/meters/{address}/trades`. The rows carry both parties; the web room decides what each reader sees.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';
import { type TradeView, toTradeView } from './recentTrades.ts';

/** Which trades: a zone's, or those where `meter` is the seller's or the buyer's meter. */
export type TradeRangeFilter = ({ zone: string } | { meter: string }) & { fromS: number; toS: number; limit: number };

/**
 * Newest interval first, then trade index. Money as decimal strings of micro-units.
 * @example await listTradesInRange(db, { meter: '0x…', fromS, toS, limit: 1000 });
 */
export async function listTradesInRange(db: RelayDatabase, filter: TradeRangeFilter): Promise<TradeView[]> {
  const who =
    'zone' in filter
      ? sql`t.zone = ${filter.zone}`
      : sql`(t.seller_meter = ${filter.meter.toLowerCase()} OR t.buyer_meter = ${filter.meter.toLowerCase()})`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT t.*, b.state, b.tx_hash FROM market_trades t
        LEFT JOIN settlement_batches b ON b.zone = t.zone AND b.interval_start_s = t.interval_start_s
        WHERE ${who} AND t.interval_start_s >= ${filter.fromS} AND t.interval_start_s < ${filter.toS}
        ORDER BY t.interval_start_s DESC, t.zone, t.trade_index LIMIT ${filter.limit}`,
  );
  return rows.map(toTradeView);
}
