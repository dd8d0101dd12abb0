/**
 * Notifications to households (DESIGN §3, last arrow), stored in `notifications` once per (recipient, kind, zone,
 * interval) and pushed live: the zone's market channel gets the public figures, each meter its own news on its
 * command topic.
 *  - `sold` / `bought`: a trade was matched for the coming interval;
 *  - `energy-available`: sellers in the zone offered energy this interval — to the zone's buyers ("energy available nearby");
 *  - `settled`: the interval was paid on-chain, with what was delivered and the transaction.
 */
import { sql } from 'drizzle-orm';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { ClearedInterval } from '../market/clearMarketInterval.ts';
import type { StoredTrade } from '../store/marketQueries/marketTrades.ts';
import { isAggregateShowable } from '../store/queries/aggregatePrivacy.ts';
import { listZones } from '../store/queries/listZones.ts';
import type { MarketPublisher } from './marketPublisher.ts';

export type NotificationKind = 'sold' | 'bought' | 'energy-available' | 'settled';

const json = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

async function store(db: RelayDatabase, recipient: string, kind: NotificationKind, zone: string, intervalStartS: number, body: unknown): Promise<void> {
  await db.execute(sql`INSERT INTO notifications (recipient, kind, zone, interval_start_s, body_json) VALUES (${recipient.toLowerCase()}, ${kind}, ${zone}, ${intervalStartS}, ${json(body)}) ON CONFLICT DO NOTHING`);
}

/**
 * The zone channel carries figures over every household of the zone, so it follows the rule for aggregates:
 * nothing for a zone of fewer than 5 active meters (the households still hear their own news).
 */
async function zoneChannel(db: RelayDatabase, publisher: MarketPublisher, zone: string): Promise<(type: string, data: unknown) => void> {
  const summary = (await listZones(db)).find((candidate) => candidate.zone === zone);
  if (summary === undefined || !isAggregateShowable(summary.meterCount)) return () => {};
  return (type, data) => publisher.toZone(zone, type, data);
}

/** A trade as anyone in the zone may see it: no household, no meter and no transaction (which names both). */
function publicTradeView(trade: { intervalStartS: number; energyWh: number; priceMicroPerKWh: number; amountMicro: string; status: string; tradedWh?: number }) {
  const { intervalStartS, energyWh, priceMicroPerKWh, amountMicro, status, tradedWh } = trade;
  return tradedWh === undefined ? { intervalStartS, energyWh, priceMicroPerKWh, amountMicro, status } : { intervalStartS, energyWh, tradedWh, priceMicroPerKWh, amountMicro, status };
}

/** After a clearing: public results on the market channel, trades and "energy available nearby" to households. */
export async function notifyCleared(db: RelayDatabase, publisher: MarketPublisher, cleared: ClearedInterval): Promise<void> {
  const { zone, intervalStartS } = cleared;
  const toZone = await zoneChannel(db, publisher, zone);
  const trades = cleared.trades.map((t) => ({
    intervalStartS, seller: t.seller, buyer: t.buyer, sellerMeter: t.sellerMeter, buyerMeter: t.buyerMeter,
    energyWh: t.energyWh, priceMicroPerKWh: t.priceMicroPerKWh, amountMicro: t.amountMicro.toString(), status: 'matched',
  }));
  toZone('interval-cleared', {
    zone, startS: intervalStartS, endS: cleared.intervalEndS, clearingPriceMicroPerKWh: cleared.clearingPriceMicroPerKWh,
    autoPriceMicroPerKWh: cleared.autoPriceMicroPerKWh, tradedWh: cleared.clearedWh, tradeCount: trades.length,
    orders: cleared.orders.map(({ order }) => ({ side: order.side, energyWh: order.energyWh, limitPriceMicroPerKWh: order.limitPriceMicroPerKWh })),
  });
  // The zone channel is public: energy, price and status only, never who traded with whom (docs/privacy.md).
  if (trades.length > 0) toZone('trades', trades.map(publicTradeView));
  for (const trade of trades) {
    await store(db, trade.seller, 'sold', zone, intervalStartS, trade);
    await store(db, trade.buyer, 'bought', zone, intervalStartS, trade);
    publisher.toMeter(trade.sellerMeter, { cmd: 'market', event: 'sold', intervalStartS, energyWh: trade.energyWh, priceMicroPerKWh: trade.priceMicroPerKWh });
    publisher.toMeter(trade.buyerMeter, { cmd: 'market', event: 'bought', intervalStartS, energyWh: trade.energyWh, priceMicroPerKWh: trade.priceMicroPerKWh });
  }
  const supplyWh = cleared.orders.filter(({ order }) => order.side === 'sell').reduce((sum, { order }) => sum + order.energyWh, 0);
  if (supplyWh === 0) return;
  const offer = { zone, intervalStartS, supplyWh, priceMicroPerKWh: cleared.clearingPriceMicroPerKWh ?? cleared.autoPriceMicroPerKWh };
  toZone('energy-available', offer);
  for (const { order, meter } of cleared.orders) {
    if (order.side !== 'buy') continue;
    await store(db, order.participant, 'energy-available', zone, intervalStartS, offer);
    publisher.toMeter(meter, { cmd: 'market', event: 'energy-available', ...offer });
  }
}

/** After a confirmed settlement: what each side was paid or charged, with the transaction. */
export async function notifySettled(db: RelayDatabase, publisher: MarketPublisher, trades: readonly StoredTrade[], txHash: string): Promise<void> {
  const first = trades[0];
  if (first === undefined) return;
  const views = trades.map((t) => ({
    intervalStartS: t.intervalStartS, seller: t.seller, buyer: t.buyer, energyWh: t.deliveredWh ?? 0, tradedWh: t.energyWh,
    priceMicroPerKWh: t.priceMicroPerKWh, amountMicro: (t.paidMicro ?? 0n).toString(), txHash, status: 'settled',
  }));
  (await zoneChannel(db, publisher, first.zone))('settled', views.map(publicTradeView));
  for (const view of views) {
    await store(db, view.seller, 'settled', first.zone, first.intervalStartS, view);
    await store(db, view.buyer, 'settled', first.zone, first.intervalStartS, view);
  }
}

/** A household's notifications, newest first. */
export async function listNotifications(db: RelayDatabase, recipient: string, limit = 50): Promise<{ kind: string; zone: string; intervalStartS: number; body: unknown }[]> {
  const result = (await db.execute(sql`SELECT kind, zone, interval_start_s, body_json FROM notifications WHERE recipient = ${recipient.toLowerCase()} ORDER BY id DESC LIMIT ${limit}`)) as unknown;
  const rows = (Array.isArray(result) ? result : ((result as { rows: unknown[] }).rows ?? [])) as { kind: string; zone: string; interval_start_s: unknown; body_json: string }[];
  return rows.map((row) => ({ kind: row.kind, zone: row.zone, intervalStartS: Number(row.interval_start_s), body: JSON.parse(row.body_json) }));
}
