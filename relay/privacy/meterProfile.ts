/**
 * An owner's personal fields on a meter — a label ("garage roof") and contact details — stored only as
 * AES-256-GCM ciphertexts in `meter_profiles` (docs/privacy.md). Each ciphertext is bound to its column and meter.
 */
import { eq } from 'drizzle-orm';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { meterProfiles } from '../store/privacySchema.ts';
import type { DataKeyring } from './dataKeyring.ts';
import { decryptField, encryptField } from './fieldCipher.ts';

/** The plaintext profile; null = not set. */
export interface MeterProfile {
  label: string | null;
  ownerContact: string | null;
}

/** The AES-GCM context of a profile column of `meter` (see `fieldCipher.ts`). */
export function profileContext(column: 'label' | 'owner_contact', meter: string): string {
  return `meter_profiles.${column}|${meter.toLowerCase()}`;
}

/**
 * Replaces the profile of `meter` (lower-case address); a null field is cleared.
 * @example await writeMeterProfile(db, keyring, meter, { label: 'garage roof', ownerContact: null });
 */
export async function writeMeterProfile(db: RelayDatabase, keyring: DataKeyring, meter: string, profile: MeterProfile): Promise<void> {
  const values = {
    meter,
    labelEncrypted: profile.label === null ? null : encryptField(keyring, profile.label, profileContext('label', meter)),
    ownerContactEncrypted: profile.ownerContact === null ? null : encryptField(keyring, profile.ownerContact, profileContext('owner_contact', meter)),
    updatedAt: new Date(),
  };
  await db.insert(meterProfiles).values(values).onConflictDoUpdate({ target: meterProfiles.meter, set: values });
}

/**
 * The decrypted profile of `meter`, or undefined when none was ever written.
 * @throws {PrivacyError} `unknown_data_key`, `tampered_ciphertext` or `bad_ciphertext`.
 */
export async function readMeterProfile(db: RelayDatabase, keyring: DataKeyring, meter: string): Promise<MeterProfile | undefined> {
  const rows = await db.select().from(meterProfiles).where(eq(meterProfiles.meter, meter)).limit(1);
  const row = rows[0];
  if (row === undefined) return undefined;
  return decryptProfile(keyring, meter, row.labelEncrypted, row.ownerContactEncrypted);
}

/** Decrypts the two stored columns of a profile row. */
export function decryptProfile(keyring: DataKeyring, meter: string, labelEncrypted: string | null, ownerContactEncrypted: string | null): MeterProfile {
  return {
    label: labelEncrypted === null ? null : decryptField(keyring, labelEncrypted, profileContext('label', meter)),
    ownerContact: ownerContactEncrypted === null ? null : decryptField(keyring, ownerContactEncrypted, profileContext('owner_contact', meter)),
  };
}
