/**
 * Standing orders (`standing_orders`): one per meter, set through the API, indexed back from `EnergyListing`, or
 * given by default ("auto" on both sides) to the demo's meters. Each side may carry a validity window (on-chain
 * orders do; API and default sides do not), and a side set on-chain keeps every live order that applies to the
 * meter (`standing_order_chain_sides`), newest first, so the market can pick, per interval, the newest whose
 * window holds it (`relay/market/buildIntervalOrders.ts`).
 */
import { sql } from 'drizzle-orm';
import type { StandingOrder, StandingPrice } from '../../../shared/forecast/sizeOrder.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

export type StandingSideName = 'sell' | 'buy';

/** A validity window, Unix seconds, half-open: [validFromS, validUntilS) as `EnergyListing` states it. */
export interface ValidityWindow {
  validFromS: number;
  validUntilS: number;
}

/** One side's price as it applies in time; no window = always valid. */
export interface WindowedSide {
  price: StandingPrice;
  window?: ValidityWindow;
  /** Caps the interval's order when this side applies; absent = the standing order's nameplate power. */
  nameplatePowerW?: number;
}

/** A meter's standing order as stored. */
export interface StoredStandingOrder {
  meter: string;
  zone: string;
  /** The sides as shown: on-chain, the newest live order of each side. */
  standing: StandingOrder;
  /** The windows of `standing`'s sides; a side without one is always valid. */
  windows: { sell?: ValidityWindow; buy?: ValidityWindow };
  /** What may set each side in an interval, newest first (empty: the side never trades). */
  sides: { sell: WindowedSide[]; buy: WindowedSide[] };
}

/** A live on-chain order as it applies to one meter's side. */
export interface ChainSide extends WindowedSide {
  orderId: bigint;
  window: ValidityWindow;
  nameplatePowerW: number;
}

function priceColumns(price: StandingPrice | undefined): [string | null, number | null] {
  if (price === undefined) return [null, null];
  return price.kind === 'auto' ? ['auto', null] : ['limit', price.priceMicroPerKWh];
}

function priceOf(kind: unknown, value: unknown): StandingPrice | undefined {
  if (kind === 'auto') return { kind: 'auto' };
  if (kind === 'limit') return { kind: 'limit', priceMicroPerKWh: Number(value) };
  return undefined;
}

function windowOf(fromS: unknown, untilS: unknown): ValidityWindow | undefined {
  if (fromS === null || fromS === undefined || untilS === null || untilS === undefined) return undefined;
  return { validFromS: Number(fromS), validUntilS: Number(untilS) };
}

/**
 * Creates or replaces a meter's standing order. `windows` gives a side's validity window (on-chain orders); a
 * side without one is always valid.
 */
export async function upsertStandingOrder(
  db: RelayDatabase,
  meter: string,
  standing: StandingOrder,
  source: 'api' | 'chain' | 'default',
  windows: { sell?: ValidityWindow | undefined; buy?: ValidityWindow | undefined } = {},
): Promise<void> {
  const [sellKind, sellPrice] = priceColumns(standing.sell);
  const [buyKind, buyPrice] = priceColumns(standing.buy);
  const sellWindow = standing.sell === undefined ? undefined : windows.sell;
  const buyWindow = standing.buy === undefined ? undefined : windows.buy;
  await db.execute(sql`INSERT INTO standing_orders (meter, participant, sell_kind, sell_price_micro_per_kwh, buy_kind, buy_price_micro_per_kwh, nameplate_w, source, updated_at,
      sell_valid_from_s, sell_valid_until_s, buy_valid_from_s, buy_valid_until_s)
    VALUES (${meter.toLowerCase()}, ${standing.participant.toLowerCase()}, ${sellKind}, ${sellPrice}, ${buyKind}, ${buyPrice}, ${standing.nameplatePowerW}, ${source}, now(),
      ${sellWindow?.validFromS ?? null}, ${sellWindow?.validUntilS ?? null}, ${buyWindow?.validFromS ?? null}, ${buyWindow?.validUntilS ?? null})
    ON CONFLICT (meter) DO UPDATE SET participant = excluded.participant, sell_kind = excluded.sell_kind, sell_price_micro_per_kwh = excluded.sell_price_micro_per_kwh,
      buy_kind = excluded.buy_kind, buy_price_micro_per_kwh = excluded.buy_price_micro_per_kwh, nameplate_w = excluded.nameplate_w, source = excluded.source, updated_at = now(),
      sell_valid_from_s = excluded.sell_valid_from_s, sell_valid_until_s = excluded.sell_valid_until_s,
      buy_valid_from_s = excluded.buy_valid_from_s, buy_valid_until_s = excluded.buy_valid_until_s`);
}

/** Records a live on-chain order as applying to the meter's side (again: no change). */
export async function insertChainSide(db: RelayDatabase, meter: string, side: StandingSideName, chainSide: ChainSide): Promise<void> {
  const [kind, price] = priceColumns(chainSide.price);
  await db.execute(sql`INSERT INTO standing_order_chain_sides (meter, side, order_id, price_kind, price_micro_per_kwh, nameplate_w, valid_from_s, valid_until_s)
    VALUES (${meter.toLowerCase()}, ${side}, ${chainSide.orderId.toString()}, ${kind}, ${price}, ${chainSide.nameplatePowerW}, ${chainSide.window.validFromS}, ${chainSide.window.validUntilS})
    ON CONFLICT (meter, side, order_id) DO NOTHING`);
}

/** Drops the meter's on-chain orders of `side` (only `orderId` when given); resolves with how many were dropped. */
export async function deleteChainSides(db: RelayDatabase, meter: string, side: StandingSideName, orderId?: bigint): Promise<number> {
  const rows = await queryRows(
    db,
    sql`DELETE FROM standing_order_chain_sides WHERE meter = ${meter.toLowerCase()} AND side = ${side}
        ${orderId === undefined ? sql`` : sql`AND order_id = ${orderId.toString()}`} RETURNING order_id`,
  );
  return rows.length;
}

function chainSideOf(row: Record<string, unknown>): ChainSide {
  return {
    orderId: BigInt(String(row.order_id)),
    price: priceOf(row.price_kind, row.price_micro_per_kwh) ?? { kind: 'auto' },
    window: { validFromS: Number(row.valid_from_s), validUntilS: Number(row.valid_until_s) },
    nameplatePowerW: Number(row.nameplate_w),
  };
}

/** The meter's live on-chain orders of `side`, newest first. */
export async function listChainSides(db: RelayDatabase, meter: string, side: StandingSideName): Promise<ChainSide[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT * FROM standing_order_chain_sides WHERE meter = ${meter.toLowerCase()} AND side = ${side} ORDER BY order_id DESC`,
  );
  return rows.map(chainSideOf);
}

/** Standing orders of the registered, active meters, optionally of one zone. */
export async function listStandingOrders(db: RelayDatabase, zone?: string): Promise<StoredStandingOrder[]> {
  const zoneFilter = zone === undefined ? sql`` : sql`AND m.zone = ${zone}`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT o.*, m.zone FROM standing_orders o JOIN meters m ON m.address = o.meter
        WHERE m.is_active AND m.is_registered ${zoneFilter} ORDER BY o.meter`,
  );
  const chainRows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT c.* FROM standing_order_chain_sides c JOIN meters m ON m.address = c.meter
        WHERE m.is_active AND m.is_registered ${zoneFilter} ORDER BY c.meter, c.side, c.order_id DESC`,
  );
  const chainSides = new Map<string, ChainSide[]>();
  for (const row of chainRows) {
    const key = `${String(row.meter)}:${String(row.side)}`;
    chainSides.set(key, [...(chainSides.get(key) ?? []), chainSideOf(row)]);
  }
  return rows.map((row) => {
    const meter = String(row.meter);
    const sell = priceOf(row.sell_kind, row.sell_price_micro_per_kwh);
    const buy = priceOf(row.buy_kind, row.buy_price_micro_per_kwh);
    const sellWindow = sell === undefined ? undefined : windowOf(row.sell_valid_from_s, row.sell_valid_until_s);
    const buyWindow = buy === undefined ? undefined : windowOf(row.buy_valid_from_s, row.buy_valid_until_s);
    // A side set on-chain is chosen per interval among its live orders; otherwise the stored side is the only one.
    const sidesOf = (name: StandingSideName, price: StandingPrice | undefined, window: ValidityWindow | undefined): WindowedSide[] =>
      chainSides.get(`${meter}:${name}`) ?? (price === undefined ? [] : [{ price, ...(window ? { window } : {}) }]);
    return {
      meter,
      zone: String(row.zone),
      standing: { participant: String(row.participant), nameplatePowerW: Number(row.nameplate_w), ...(sell ? { sell } : {}), ...(buy ? { buy } : {}) },
      windows: { ...(sellWindow ? { sell: sellWindow } : {}), ...(buyWindow ? { buy: buyWindow } : {}) },
      sides: { sell: sidesOf('sell', sell, sellWindow), buy: sidesOf('buy', buy, buyWindow) },
    };
  });
}
