/**
 * Clears one zone's interval, once across all relays (DESIGN §8): inside one transaction, a PostgreSQL advisory
 * lock on (zone, interval) — taken with `pg_try_advisory_xact_lock`, so a relay that loses simply moves on — then
 * "not cleared yet?" (the `market_intervals` row), then orders from standing orders × forecasts, the pay-as-clear
 * auction (`shared/market/clearZone.ts`), and the orders, trades and the cleared mark written together.
 */
import { sql } from 'drizzle-orm';
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import type { ClearingPriceRule } from '../../shared/market/clearingPriceRule.ts';
import { clearOrders } from '../../shared/market/clearZone.ts';
import type { Trade } from '../../shared/market/trade.ts';
import { listSealedIntervals } from '../store/marketQueries/sealedIntervals.ts';
import { listStandingOrders } from '../store/marketQueries/standingOrders.ts';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { buildIntervalOrders, type IntervalOrder } from './buildIntervalOrders.ts';
import { denseNetHistoryWh } from './netHistory.ts';

/** A trade with the meters behind both orders. */
export interface MeteredTrade extends Trade {
  tradeIndex: number;
  sellerMeter: string;
  buyerMeter: string;
}

/** What one clearing decided. */
export interface ClearedInterval {
  zone: string;
  intervalStartS: number;
  intervalEndS: number;
  clearingPriceMicroPerKWh: number | null;
  autoPriceMicroPerKWh: number;
  orders: IntervalOrder[];
  trades: MeteredTrade[];
  clearedWh: number;
}

export type ClearOutcome = { status: 'cleared'; cleared: ClearedInterval } | { status: 'already-cleared' } | { status: 'locked' };

export interface ClearMarketIntervalOptions {
  zone: string;
  intervalStartS: number;
  intervalSeconds: number;
  params: TradingParameters;
  rule?: ClearingPriceRule;
  /** This relay's id, recorded as `cleared_by`. */
  relayId: string;
  /** Days of history the forecast averages over (default 7). */
  historyDays?: number;
}

/**
 * Clears `(zone, intervalStartS)` unless another relay holds it or it was cleared before.
 * @example const outcome = await clearMarketInterval(db, { zone: 'feeder-1', intervalStartS, intervalSeconds: 900, params, relayId });
 */
export async function clearMarketInterval(db: RelayDatabase, options: ClearMarketIntervalOptions): Promise<ClearOutcome> {
  const { zone, intervalStartS: startS, intervalSeconds } = options;
  return db.transaction(async (txDb) => {
    const tx = txDb as unknown as RelayDatabase;
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`clear:${zone}:${startS}`}, 0)) AS locked`);
    if (!lock?.locked) return { status: 'locked' } as const;
    const existing = await queryRows(tx, sql`SELECT 1 FROM market_intervals WHERE zone = ${zone} AND interval_start_s = ${startS}`);
    if (existing.length > 0) return { status: 'already-cleared' } as const;

    const standing = await listStandingOrders(tx, zone);
    const maxIntervals = Math.max(1, Math.round(86_400 / intervalSeconds)) * (options.historyDays ?? 7);
    const sealed = await listSealedIntervals(tx, standing.map((s) => s.meter), startS - maxIntervals * intervalSeconds, startS + intervalSeconds);
    const book = buildIntervalOrders(
      standing.map((s) => ({ meter: s.meter, standing: s.standing, sides: s.sides, historyNetWh: denseNetHistoryWh(sealed.get(s.meter) ?? [], startS, intervalSeconds, maxIntervals) })),
      startS,
      intervalSeconds,
      options.params,
    );
    const clearing = clearOrders(book.orders.map((o) => o.order), {
      zoneId: zone,
      rule: options.rule ?? 'default',
      minimumTradeThresholdWh: options.params.minimumTradeThresholdWh,
    });
    const meterOf = new Map(book.orders.map((o) => [o.order.id, o.meter]));
    const trades: MeteredTrade[] = clearing.trades.map((trade, tradeIndex) => ({ ...trade, tradeIndex, sellerMeter: meterOf.get(trade.sellOrderId)!, buyerMeter: meterOf.get(trade.buyOrderId)! }));
    const endS = startS + intervalSeconds;

    await tx.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by)
      VALUES (${zone}, ${startS}, ${endS}, ${clearing.clearingPriceMicroPerKWh}, ${book.autoPriceMicroPerKWh}, ${book.orders.length}, ${trades.length}, ${clearing.clearedWh}, ${options.relayId})`);
    for (const { order, meter, forecastNetWh } of book.orders) {
      await tx.execute(sql`INSERT INTO interval_orders (zone, interval_start_s, order_id, meter, participant, side, energy_wh, limit_price_micro_per_kwh, forecast_net_wh)
        VALUES (${zone}, ${startS}, ${order.id}, ${meter}, ${order.participant}, ${order.side}, ${order.energyWh}, ${order.limitPriceMicroPerKWh}, ${forecastNetWh})`);
    }
    for (const t of trades) {
      await tx.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro)
        VALUES (${zone}, ${startS}, ${t.tradeIndex}, ${t.sellOrderId}, ${t.buyOrderId}, ${t.seller}, ${t.sellerMeter}, ${t.buyer}, ${t.buyerMeter}, ${t.energyWh}, ${t.priceMicroPerKWh}, ${t.amountMicro.toString()})`);
    }
    return {
      status: 'cleared',
      cleared: { zone, intervalStartS: startS, intervalEndS: endS, clearingPriceMicroPerKWh: clearing.clearingPriceMicroPerKWh, autoPriceMicroPerKWh: book.autoPriceMicroPerKWh, orders: book.orders, trades, clearedWh: clearing.clearedWh },
    } as const;
  });
}
