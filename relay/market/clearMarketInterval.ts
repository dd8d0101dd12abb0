/**
 * Clears one interval of a zone tree, once across all relays (DESIGN §8): inside one transaction, a PostgreSQL
 * advisory lock on (root zone, interval) — taken with `pg_try_advisory_xact_lock`, so a relay that loses simply
 * moves on — then "not cleared yet?" (the root's `market_intervals` row), then each zone's orders from standing
 * orders × forecasts (auto prices from the zone's own book), the tree auction (`shared/market/clearZoneTree.ts`:
 * local first, the remainder up with a grid fee per level, feeder limits), and every zone's orders, trades and
 * cleared mark written together. A zone outside the configured tree is a tree of its own and clears flat.
 */
import { sql } from 'drizzle-orm';
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import type { ClearingPriceRule } from '../../shared/market/clearingPriceRule.ts';
import { clearZoneTree } from '../../shared/market/clearZoneTree.ts';
import type { Order } from '../../shared/market/order.ts';
import type { Trade } from '../../shared/market/trade.ts';
import { listSealedIntervals } from '../store/marketQueries/sealedIntervals.ts';
import { listStandingOrders } from '../store/marketQueries/standingOrders.ts';
import { inList } from '../store/inList.ts';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { buildIntervalOrders, type IntervalBook, type IntervalOrder } from './buildIntervalOrders.ts';
import { denseNetHistoryWh } from './netHistory.ts';
import { createZoneDirectory, type ZoneDirectory } from './zoneDirectory.ts';

/** A trade with the meters behind both orders and how many levels each order climbed to the matching zone. */
export interface MeteredTrade extends Trade {
  tradeIndex: number;
  sellerMeter: string;
  buyerMeter: string;
  sellerClimb: number;
  buyerClimb: number;
}

/** What one clearing decided in one zone. */
export interface ClearedInterval {
  zone: string;
  intervalStartS: number;
  intervalEndS: number;
  clearingPriceMicroPerKWh: number | null;
  autoPriceMicroPerKWh: number;
  /** Orders placed in this zone (orders climbing from child zones are theirs). */
  orders: IntervalOrder[];
  /** Trades this zone's auction matched. */
  trades: MeteredTrade[];
  clearedWh: number;
  /** Energy this zone's feeder limit kept from climbing, both sides. */
  curtailedWh: number;
}

export type ClearOutcome =
  | { status: 'cleared'; cleared: ClearedInterval; tree: ClearedInterval[] }
  | { status: 'already-cleared' }
  | { status: 'locked' };

export interface ClearMarketIntervalOptions {
  /** A zone of the tree to clear (any zone of it: the whole tree clears). */
  zone: string;
  intervalStartS: number;
  intervalSeconds: number;
  params: TradingParameters;
  rule?: ClearingPriceRule;
  /** This relay's id, recorded as `cleared_by`. */
  relayId: string;
  /** Days of history the forecast averages over (default 7). */
  historyDays?: number;
  /** The zone tree (default: no tree, every zone flat). */
  zones?: ZoneDirectory;
}

/**
 * Clears the tree of `zone` for `intervalStartS` unless another relay holds it or it was cleared before.
 * @example const outcome = await clearMarketInterval(db, { zone: 'feeder-1', intervalStartS, intervalSeconds: 900, params, relayId, zones });
 */
export async function clearMarketInterval(db: RelayDatabase, options: ClearMarketIntervalOptions): Promise<ClearOutcome> {
  const { intervalStartS: startS, intervalSeconds, params } = options;
  const directory = options.zones ?? createZoneDirectory([]);
  const root = directory.rootOf(options.zone);
  const treeZones = directory.zonesUnder(root);
  const inTree = new Set(treeZones);
  return db.transaction(async (txDb) => {
    const tx = txDb as unknown as RelayDatabase;
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`clear:${root.id}:${startS}`}, 0)) AS locked`);
    if (!lock?.locked) return { status: 'locked' } as const;
    // Any zone of the tree: one cleared earlier under another tree (a changed PET_ZONE_TREE) counts too.
    const existing = await queryRows(tx, sql`SELECT 1 FROM market_intervals WHERE ${inList('zone', treeZones)} AND interval_start_s = ${startS} LIMIT 1`);
    if (existing.length > 0) return { status: 'already-cleared' } as const;

    const standing = (await listStandingOrders(tx, treeZones.length === 1 ? root.id : undefined)).filter((s) => inTree.has(s.zone));
    const maxIntervals = Math.max(1, Math.round(86_400 / intervalSeconds)) * (options.historyDays ?? 7);
    const sealed = await listSealedIntervals(tx, standing.map((s) => s.meter), startS - maxIntervals * intervalSeconds, startS + intervalSeconds);
    const books = new Map<string, IntervalBook>();
    for (const zone of treeZones) {
      books.set(zone, buildIntervalOrders(
        standing.filter((s) => s.zone === zone).map((s) => ({ meter: s.meter, standing: s.standing, sides: s.sides, historyNetWh: denseNetHistoryWh(sealed.get(s.meter) ?? [], startS, intervalSeconds, maxIntervals) })),
        startS,
        intervalSeconds,
        params,
      ));
    }
    const ordersByZone = new Map<string, readonly Order[]>();
    const placedIn = new Map<string, { zone: string; meter: string }>();
    for (const [zone, book] of books) {
      if (book.orders.length > 0) ordersByZone.set(zone, book.orders.map((o) => o.order));
      for (const o of book.orders) placedIn.set(o.order.id, { zone, meter: o.meter });
    }
    const clearing = clearZoneTree(root, ordersByZone, {
      rule: options.rule ?? 'default',
      minimumTradeThresholdWh: params.minimumTradeThresholdWh,
      maximumLocalGridDeviationBps: params.maximumLocalGridDeviationBps,
      gridFeeMicroPerKWh: params.gridFeeMicroPerKWh,
    });
    const endS = startS + intervalSeconds;
    const curtailedWh = new Map(clearing.curtailed.map(({ zoneId, entries }) => [zoneId, entries.reduce((sum, entry) => sum + entry.energyWh, 0)]));
    const tree: ClearedInterval[] = clearing.zones.map((zoneClearing) => {
      const zone = zoneClearing.zoneId;
      const climb = (orderId: string) => directory.rankOf(zone) - directory.rankOf(placedIn.get(orderId)!.zone);
      const trades = zoneClearing.trades.map((trade, tradeIndex): MeteredTrade => ({
        ...trade, tradeIndex,
        sellerMeter: placedIn.get(trade.sellOrderId)!.meter, buyerMeter: placedIn.get(trade.buyOrderId)!.meter,
        sellerClimb: climb(trade.sellOrderId), buyerClimb: climb(trade.buyOrderId),
      }));
      const book = books.get(zone)!;
      return {
        zone, intervalStartS: startS, intervalEndS: endS, clearingPriceMicroPerKWh: zoneClearing.clearingPriceMicroPerKWh,
        autoPriceMicroPerKWh: book.autoPriceMicroPerKWh, orders: book.orders, trades, clearedWh: zoneClearing.clearedWh,
        curtailedWh: curtailedWh.get(zone) ?? 0,
      };
    });

    for (const cleared of tree) {
      const { zone } = cleared;
      await tx.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by, root_zone, curtailed_wh)
        VALUES (${zone}, ${startS}, ${endS}, ${cleared.clearingPriceMicroPerKWh}, ${cleared.autoPriceMicroPerKWh}, ${cleared.orders.length}, ${cleared.trades.length}, ${cleared.clearedWh}, ${options.relayId}, ${root.id}, ${cleared.curtailedWh})`);
      for (const { order, meter, forecastNetWh } of cleared.orders) {
        await tx.execute(sql`INSERT INTO interval_orders (zone, interval_start_s, order_id, meter, participant, side, energy_wh, limit_price_micro_per_kwh, forecast_net_wh)
          VALUES (${zone}, ${startS}, ${order.id}, ${meter}, ${order.participant}, ${order.side}, ${order.energyWh}, ${order.limitPriceMicroPerKWh}, ${forecastNetWh})`);
      }
      for (const t of cleared.trades) {
        await tx.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro,
            seller_fee_micro_per_kwh, buyer_fee_micro_per_kwh, seller_climb, buyer_climb)
          VALUES (${zone}, ${startS}, ${t.tradeIndex}, ${t.sellOrderId}, ${t.buyOrderId}, ${t.seller}, ${t.sellerMeter}, ${t.buyer}, ${t.buyerMeter}, ${t.energyWh}, ${t.priceMicroPerKWh}, ${t.amountMicro.toString()},
            ${t.sellerFeeMicroPerKWh}, ${t.buyerFeeMicroPerKWh}, ${t.sellerClimb}, ${t.buyerClimb})`);
      }
    }
    const cleared = tree.find((entry) => entry.zone === options.zone) ?? tree[tree.length - 1]!;
    return { status: 'cleared', cleared, tree } as const;
  });
}
