import { sql } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meters } from '../schema.ts';
import { toPublicMeter, type PublicMeter } from './publicMeter.ts';
import { publicMeterColumns } from './listMeters.ts';

/** What the operator states when registering a meter. */
export interface MeterRegistration {
  address: string;
  zone: string;
  ownerAddress: string;
  technology?: string | undefined;
  nameplateW?: number | undefined;
}

/** The registered meter and whether this call created it (false: it existed and was updated). */
export interface RegisteredMeter {
  meter: PublicMeter;
  isNew: boolean;
}

/**
 * Registers a meter, or updates its zone, owner, technology and nameplate. A meter first seen on the wire under
 * the `accept` policy (ADR 0302) becomes registered here. The one write in this folder: the operator's API
 * owns meter registration, the ingest path only ever adds unregistered meters.
 */
export async function registerMeter(db: RelayDatabase, registration: MeterRegistration): Promise<RegisteredMeter> {
  const values = {
    address: registration.address,
    zone: registration.zone,
    ownerAddress: registration.ownerAddress.toLowerCase(),
    technology: registration.technology ?? null,
    nameplateW: registration.nameplateW ?? null,
    isRegistered: true,
    isActive: true,
  };
  const rows = await db
    .insert(meters)
    .values(values)
    .onConflictDoUpdate({
      target: meters.address,
      set: { zone: values.zone, ownerAddress: values.ownerAddress, technology: values.technology, nameplateW: values.nameplateW, isRegistered: true, isActive: true },
    })
    // xmax = 0 only on a freshly inserted row version (PostgreSQL system column).
    .returning({ ...publicMeterColumns, isNew: sql<boolean>`(xmax = 0)` });
  const { isNew, ...row } = rows[0]!;
  return { meter: toPublicMeter(row), isNew };
}
