/**
 * The privacy room's tables as drizzle schema (created by `migrations/0200_privacy.sql`; keep the two in step).
 * Kept apart from `schema.ts` (ingest) and `marketSchema.ts` (market). See docs/privacy.md.
 */
import { bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Owner-set personal fields of a meter, AES-256-GCM ciphertexts (`relay/privacy/fieldCipher.ts`); NULL = unset. */
export const meterProfiles = pgTable('meter_profiles', {
  meter: text('meter').primaryKey(),
  labelEncrypted: text('label_encrypted'),
  ownerContactEncrypted: text('owner_contact_encrypted'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A meter whose owner was erased: the owner as a keyed hash, under key `keyId`. */
export const meterPseudonyms = pgTable(
  'meter_pseudonyms',
  {
    meter: text('meter').primaryKey(),
    ownerPseudonym: text('owner_pseudonym').notNull(),
    keyId: text('key_id').notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('meter_pseudonyms_owner_idx').on(table.ownerPseudonym)],
);

/** One row per erasure: when, and counts of what was deleted and kept (JSON objects of table → rows). */
export const privacyErasures = pgTable('privacy_erasures', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  meterCount: integer('meter_count').notNull(),
  deletedJson: text('deleted_json').notNull(),
  keptJson: text('kept_json').notNull(),
});
