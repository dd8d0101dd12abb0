/**
 * A zone's cleared market intervals for `GET /api/v1/zones/{zone}/intervals` (and the dashboard's market panel,
 * `relay/web/dashboard/src/marketActivity.ts`): price, volume and the order book's depth, with no participant in
 * it. The book is summed per side and limit price, so a level says how much energy was offered or bid at that
 * price, never by whom.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** One price level of an interval's book: the energy of every order on `side` at `limitPriceMicroPerKWh`. */
export interface BookLevel {
  side: 'sell' | 'buy';
  limitPriceMicroPerKWh: number;
  energyWh: number;
  orderCount: number;
}

/** One cleared interval as the API shows it. */
export interface ZoneMarketInterval {
  startS: number;
  endS: number;
  /** Uniform clearing price; null when the book did not cross. */
  clearingPriceMicroPerKWh: number | null;
  /** The limit "auto" orders were given in this interval. */
  autoPriceMicroPerKWh: number;
  tradedWh: number;
  tradeCount: number;
  orderCount: number;
  /** The book summed per side and limit price: sells ascending, then buys descending. */
  orders: BookLevel[];
}

/**
 * Intervals of `zone` starting in `[fromS, toS)`, oldest first, at most `limit`.
 * @example await listZoneMarketIntervals(db, { zone: 'feeder-1', fromS: 1767225600, toS: 1767312000, limit: 2000 });
 */
export async function listZoneMarketIntervals(db: RelayDatabase, query: { zone: string; fromS: number; toS: number; limit: number }): Promise<ZoneMarketInterval[]> {
  const { zone, fromS, toS, limit } = query;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh
        FROM market_intervals WHERE zone = ${zone} AND interval_start_s >= ${fromS} AND interval_start_s < ${toS}
        ORDER BY interval_start_s LIMIT ${limit}`,
  );
  if (rows.length === 0) return [];
  const lastStartS = Number(rows[rows.length - 1]!.interval_start_s);
  const levels = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT interval_start_s, side, limit_price_micro_per_kwh, sum(energy_wh) AS energy_wh, count(*) AS order_count
        FROM interval_orders WHERE zone = ${zone} AND interval_start_s >= ${fromS} AND interval_start_s <= ${lastStartS}
        GROUP BY interval_start_s, side, limit_price_micro_per_kwh`,
  );
  const byStart = new Map<number, BookLevel[]>();
  for (const level of levels) {
    const startS = Number(level.interval_start_s);
    const list = byStart.get(startS) ?? [];
    list.push({
      side: level.side === 'sell' ? 'sell' : 'buy',
      limitPriceMicroPerKWh: Number(level.limit_price_micro_per_kwh),
      energyWh: Number(level.energy_wh),
      orderCount: Number(level.order_count),
    });
    byStart.set(startS, list);
  }
  return rows.map((row) => {
    const startS = Number(row.interval_start_s);
    const orders = (byStart.get(startS) ?? []).sort((a, b) =>
      a.side !== b.side ? (a.side === 'sell' ? -1 : 1) : a.side === 'sell' ? a.limitPriceMicroPerKWh - b.limitPriceMicroPerKWh : b.limitPriceMicroPerKWh - a.limitPriceMicroPerKWh,
    );
    return {
      startS,
      endS: Number(row.interval_end_s),
      clearingPriceMicroPerKWh: row.clearing_price_micro_per_kwh === null || row.clearing_price_micro_per_kwh === undefined ? null : Number(row.clearing_price_micro_per_kwh),
      autoPriceMicroPerKWh: Number(row.auto_price_micro_per_kwh),
      tradedWh: Number(row.cleared_wh),
      tradeCount: Number(row.trade_count),
      orderCount: Number(row.order_count),
      orders,
    };
  });
}
