/**
 * Standing orders (`standing_orders`): one per meter, set through the API, indexed back from `EnergyListing`, or
 * given by default ("auto" on both sides) to the demo's meters.
 */
import { sql } from 'drizzle-orm';
import type { StandingOrder, StandingPrice } from '../../../shared/forecast/sizeOrder.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** A meter's standing order as stored. */
export interface StoredStandingOrder {
  meter: string;
  zone: string;
  standing: StandingOrder;
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

/** Creates or replaces a meter's standing order. */
export async function upsertStandingOrder(db: RelayDatabase, meter: string, standing: StandingOrder, source: 'api' | 'chain' | 'default'): Promise<void> {
  const [sellKind, sellPrice] = priceColumns(standing.sell);
  const [buyKind, buyPrice] = priceColumns(standing.buy);
  await db.execute(sql`INSERT INTO standing_orders (meter, participant, sell_kind, sell_price_micro_per_kwh, buy_kind, buy_price_micro_per_kwh, nameplate_w, source, updated_at)
    VALUES (${meter.toLowerCase()}, ${standing.participant.toLowerCase()}, ${sellKind}, ${sellPrice}, ${buyKind}, ${buyPrice}, ${standing.nameplatePowerW}, ${source}, now())
    ON CONFLICT (meter) DO UPDATE SET participant = excluded.participant, sell_kind = excluded.sell_kind, sell_price_micro_per_kwh = excluded.sell_price_micro_per_kwh,
      buy_kind = excluded.buy_kind, buy_price_micro_per_kwh = excluded.buy_price_micro_per_kwh, nameplate_w = excluded.nameplate_w, source = excluded.source, updated_at = now()`);
}

/** Standing orders of the registered, active meters, optionally of one zone. */
export async function listStandingOrders(db: RelayDatabase, zone?: string): Promise<StoredStandingOrder[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT o.*, m.zone FROM standing_orders o JOIN meters m ON m.address = o.meter
        WHERE m.is_active AND m.is_registered ${zone === undefined ? sql`` : sql`AND m.zone = ${zone}`} ORDER BY o.meter`,
  );
  return rows.map((row) => {
    const sell = priceOf(row.sell_kind, row.sell_price_micro_per_kwh);
    const buy = priceOf(row.buy_kind, row.buy_price_micro_per_kwh);
    return {
      meter: String(row.meter),
      zone: String(row.zone),
      standing: { participant: String(row.participant), nameplatePowerW: Number(row.nameplate_w), ...(sell ? { sell } : {}), ...(buy ? { buy } : {}) },
    };
  });
}
