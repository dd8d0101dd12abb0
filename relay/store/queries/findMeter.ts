import { eq } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meters } from '../schema.ts';
import { publicMeterColumns } from './listMeters.ts';
import { toPublicMeter, type PublicMeter } from './publicMeter.ts';

/** A meter's public fields and, separately, its owner (for access checks, never for display). */
export interface MeterWithOwner {
  meter: PublicMeter;
  /** Lower-case address of the owner's account, or null while no owner is registered. */
  ownerAddress: string | null;
}

/** One meter by address (lower-case 0x form), or undefined when the relay has never heard of it. */
export async function findMeter(db: RelayDatabase, address: string): Promise<MeterWithOwner | undefined> {
  const rows = await db
    .select({ ...publicMeterColumns, ownerAddress: meters.ownerAddress })
    .from(meters)
    .where(eq(meters.address, address))
    .limit(1);
  const row = rows[0];
  if (row === undefined) return undefined;
  const { ownerAddress, ...publicRow } = row;
  return { meter: toPublicMeter(publicRow), ownerAddress: ownerAddress === null ? null : ownerAddress.toLowerCase() };
}
