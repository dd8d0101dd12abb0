import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meters } from '../schema.ts';
import { toPublicMeter, type PublicMeter } from './publicMeter.ts';

/** Filters and page of {@link listMeters}. */
export interface ListMetersQuery {
  zone?: string | undefined;
  /** Keyset cursor: only meters whose address sorts after this one. */
  after?: string | undefined;
  limit: number;
}

export const publicMeterColumns = {
  address: meters.address,
  zone: meters.zone,
  technology: meters.technology,
  nameplateW: meters.nameplateW,
  registeredAt: meters.registeredAt,
  isActive: meters.isActive,
  isRegistered: meters.isRegistered,
};

/** Public fields of meters in address order, one page at a time (keyset paging on the primary key). */
export async function listMeters(db: RelayDatabase, query: ListMetersQuery): Promise<PublicMeter[]> {
  const conditions: SQL[] = [];
  if (query.zone !== undefined) conditions.push(eq(meters.zone, query.zone));
  if (query.after !== undefined) conditions.push(gt(meters.address, query.after));
  const rows = await db
    .select(publicMeterColumns)
    .from(meters)
    .where(conditions.length === 0 ? undefined : and(...conditions))
    .orderBy(asc(meters.address))
    .limit(query.limit);
  return rows.map(toPublicMeter);
}
