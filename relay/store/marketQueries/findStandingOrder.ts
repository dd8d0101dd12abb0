/**
 * One meter's standing order, for `GET /api/v1/meters/{address}/standing-order`.
 */
import type { StandingOrder } from '../../../shared/forecast/sizeOrder.ts';
import type { RelayDatabase } from '../relayDatabase.ts';
import { listStandingOrders, type StoredStandingOrder } from './standingOrders.ts';

/** The meter's standing order with its windows and per-side choices, or undefined when it has none (or is not registered and active). */
export async function findStoredStandingOrder(db: RelayDatabase, meter: string): Promise<StoredStandingOrder | undefined> {
  const all = await listStandingOrders(db);
  return all.find((entry) => entry.meter === meter.toLowerCase());
}

/** The meter's standing order, or undefined when it has none (or is not registered and active). */
export async function findStandingOrder(db: RelayDatabase, meter: string): Promise<StandingOrder | undefined> {
  return (await findStoredStandingOrder(db, meter))?.standing;
}
