import { asc, count, eq } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meters } from '../schema.ts';

/** A grid zone and how many active meters it holds. */
export interface ZoneSummary {
  zone: string;
  meterCount: number;
}

/** Every zone that has at least one active meter, in name order. */
export async function listZones(db: RelayDatabase): Promise<ZoneSummary[]> {
  return db
    .select({ zone: meters.zone, meterCount: count() })
    .from(meters)
    .where(eq(meters.isActive, true))
    .groupBy(meters.zone)
    .orderBy(asc(meters.zone));
}
