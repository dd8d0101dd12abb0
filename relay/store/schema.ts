/**
 * The relay's tables as drizzle schema (`drizzle-orm/pg-core`), one dialect for both drivers (PGlite and
 * postgres.js). The SQL that creates them lives in `migrations/*.sql` and must stay in step with this file
 * (`relay/store/schema.test.ts` round-trips a row through every table to check it).
 *
 * Units are in the column names. Energy registers are Wh up to 2^48 − 1 and Unix seconds and sequence numbers
 * are up to 2^32 − 1, so they are `bigint` columns read as JS numbers (exact below 2^53).
 * Table names are unqualified so that a deployment (or a test run) can pick its schema with `search_path`.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, primaryKey, smallint, text, timestamp, unique } from 'drizzle-orm/pg-core';

const u64 = (name: string) => bigint(name, { mode: 'number' });

/** Registered meters. A meter's id is the address of its key; `zone` places it in the grid tree. */
export const meters = pgTable('meters', {
  address: text('address').primaryKey(),
  zone: text('zone').notNull().default('unassigned'),
  ownerAddress: text('owner_address'),
  technology: text('technology'),
  nameplateW: integer('nameplate_w'),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  isActive: boolean('is_active').notNull().default(true),
  /** False for a meter first seen on the wire under the `accept` unknown-meter policy (ADR 0302). */
  isRegistered: boolean('is_registered').notNull().default(true),
});

/** Unsigned, hash-chained measurements; authenticated by the seal that follows them in the chain. */
export const samples = pgTable(
  'samples',
  {
    meter: text('meter').notNull(),
    seq: u64('seq').notNull(),
    timeS: u64('time_s').notNull(),
    importWh: u64('import_wh').notNull(),
    exportWh: u64('export_wh').notNull(),
    powerW: integer('power_w').notNull(),
    voltageDv: integer('voltage_dv').notNull(),
    currentMa: u64('current_ma').notNull(),
    powerFactorPermille: smallint('power_factor_permille').notNull(),
    prev: text('prev').notNull(),
    digest: text('digest').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.seq] }), index('samples_meter_time_idx').on(table.meter, table.timeS), index('samples_time_idx').on(table.timeS)],
);

/** Signed interval seals: one per meter and market interval. */
export const seals = pgTable(
  'seals',
  {
    meter: text('meter').notNull(),
    seq: u64('seq').notNull(),
    startS: u64('start_s').notNull(),
    endS: u64('end_s').notNull(),
    importStartWh: u64('import_start_wh').notNull(),
    importEndWh: u64('import_end_wh').notNull(),
    exportStartWh: u64('export_start_wh').notNull(),
    exportEndWh: u64('export_end_wh').notNull(),
    sampleCount: integer('sample_count').notNull(),
    sig: text('sig').notNull(),
    prev: text('prev').notNull(),
    digest: text('digest').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.seq] }), unique('seals_meter_start_key').on(table.meter, table.startS), index('seals_start_idx').on(table.startS)],
);

/** Where each meter's chain stands, as far as this database knows. */
export const chainHeads = pgTable('chain_heads', {
  meter: text('meter').primaryKey(),
  lastSeq: u64('last_seq').notNull(),
  lastDigest: text('last_digest').notNull(),
  /**
   * The watermark: highest seq such that every record 0 … seq is stored or inside an abandoned gap (−1 before
   * seq 0 arrives). Acknowledgements to the meter name the highest stored seq at or below it.
   */
  contiguousSeq: u64('contiguous_seq').notNull(),
  lastSealSeq: u64('last_seal_seq'),
  lastSealImportEndWh: u64('last_seal_import_end_wh'),
  lastSealExportEndWh: u64('last_seal_export_end_wh'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Missing ranges of a chain, recorded when a later record arrives first. Open while `closedAt` is null; closed
 * when the watermark (the head's contiguousSeq) passes `toSeq` — the range was filled, or abandoned.
 */
export const chainGaps = pgTable(
  'chain_gaps',
  {
    meter: text('meter').notNull(),
    fromSeq: u64('from_seq').notNull(),
    toSeq: u64('to_seq').notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** `resend` commands sent to the meter while this gap held its watermark back. */
    resendRequests: integer('resend_requests').notNull().default(0),
    lastResendAt: timestamp('last_resend_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.meter, table.fromSeq] }), index('chain_gaps_open_idx').on(table.meter, table.fromSeq).where(sql`closed_at IS NULL`)],
);

/**
 * Missing ranges the meter reported it no longer holds (a status whose `heldFromSeq` lies above them): gone for
 * good, recorded once per maximal range. The watermark moves across them. `reason` is `meter_queue_overflow`
 * (the status counted dropped records) or `meter_no_longer_holds`.
 */
export const abandonedGaps = pgTable(
  'abandoned_gaps',
  {
    meter: text('meter').notNull(),
    fromSeq: u64('from_seq').notNull(),
    toSeq: u64('to_seq').notNull(),
    reason: text('reason').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.fromSeq] })],
);

/** Every refused input, with its stable code (docs/protocol.md §6 and `relay/verify/rejectionCode.ts`). */
export const rejections = pgTable(
  'rejections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    topic: text('topic').notNull(),
    meter: text('meter'),
    seq: u64('seq'),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    /** At most 256 characters, control characters escaped; never the raw bytes. */
    payloadExcerpt: text('payload_excerpt').notNull(),
    payloadBytes: integer('payload_bytes').notNull(),
  },
  (table) => [index('rejections_received_idx').on(table.receivedAt), index('rejections_code_idx').on(table.code)],
);

/** Latest status message per meter (informational; never settles anything). */
export const meterStatus = pgTable('meter_status', {
  meter: text('meter').primaryKey(),
  state: text('state').notNull(),
  seq: u64('seq').notNull(),
  queued: u64('queued').notNull(),
  dropped: u64('dropped').notNull(),
  uptimeS: u64('uptime_s').notNull(),
  /** Lowest seq still in the meter's flash queue (null: a status from firmware that does not report it). */
  heldFromSeq: u64('held_from_seq'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Metered energy per meter and interval, from its seal (the amounts settlement may pay for). */
export const meterIntervals = pgTable(
  'meter_intervals',
  {
    meter: text('meter').notNull(),
    zone: text('zone').notNull(),
    startS: u64('start_s').notNull(),
    endS: u64('end_s').notNull(),
    importWh: u64('import_wh').notNull(),
    exportWh: u64('export_wh').notNull(),
    sealSeq: u64('seal_seq').notNull(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.startS] }), index('meter_intervals_zone_idx').on(table.zone, table.startS)],
);

/** Sum of the sealed intervals of a zone's meters that share an interval start. */
export const zoneIntervals = pgTable(
  'zone_intervals',
  {
    zone: text('zone').notNull(),
    startS: u64('start_s').notNull(),
    endS: u64('end_s').notNull(),
    importWh: u64('import_wh').notNull(),
    exportWh: u64('export_wh').notNull(),
    meterCount: integer('meter_count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.zone, table.startS] })],
);

/** Hourly summaries of raw samples that the retention job removed. */
export const sampleRollups = pgTable(
  'sample_rollups',
  {
    meter: text('meter').notNull(),
    hourStartS: u64('hour_start_s').notNull(),
    sampleCount: integer('sample_count').notNull(),
    firstSeq: u64('first_seq').notNull(),
    lastSeq: u64('last_seq').notNull(),
    importStartWh: u64('import_start_wh').notNull(),
    importEndWh: u64('import_end_wh').notNull(),
    exportStartWh: u64('export_start_wh').notNull(),
    exportEndWh: u64('export_end_wh').notNull(),
    minPowerW: integer('min_power_w').notNull(),
    maxPowerW: integer('max_power_w').notNull(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.hourStartS] })],
);

/** Migrations applied to this schema (`relay/store/migrate.ts`). */
export const schemaMigrations = pgTable('pet_schema_migrations', {
  name: text('name').primaryKey(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
});
