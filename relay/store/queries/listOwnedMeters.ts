import { asc, eq } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meters } from '../schema.ts';
import { publicMeterColumns } from './listMeters.ts';
import { toPublicMeter, type PublicMeter } from './publicMeter.ts';

/** The meters registered to one owner (lower-case address), in address order; a household has a handful. */
export async function listOwnedMeters(db: RelayDatabase, ownerAddress: string): Promise<PublicMeter[]> {
  const rows = await db.select(publicMeterColumns).from(meters).where(eq(meters.ownerAddress, ownerAddress)).orderBy(asc(meters.address)).limit(1_000);
  return rows.map(toPublicMeter);
}
