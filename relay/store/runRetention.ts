/**
 * Retention: raw samples older than the cut-off are folded into hourly `sample_rollups` and deleted, in one
 * transaction. Seals, interval aggregates and chain heads are kept: they are what settlement and audits need,
 * and a chain head's digest lets the chain continue past deleted samples.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';

export interface RetentionResult {
  /** Raw samples removed. */
  deletedSamples: number;
  /** Hourly rollup rows created or extended. */
  rollupRows: number;
}

/**
 * Folds and deletes samples measured before `cutoffS` (Unix seconds).
 * @example await runRetention(store.db, Math.floor(Date.now() / 1000) - config.retentionDays * 86_400);
 */
export async function runRetention(db: RelayDatabase, cutoffS: number): Promise<RetentionResult> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as RelayDatabase;
    const rolled = await queryRows<{ meter: string }>(
      t,
      sql`INSERT INTO sample_rollups AS r (meter, hour_start_s, sample_count, first_seq, last_seq, import_start_wh, import_end_wh, export_start_wh, export_end_wh, min_power_w, max_power_w)
          SELECT meter, (time_s / 3600) * 3600, count(*), min(seq), max(seq), min(import_wh), max(import_wh), min(export_wh), max(export_wh), min(power_w), max(power_w)
          FROM samples WHERE time_s < ${cutoffS} GROUP BY meter, time_s / 3600
          ON CONFLICT (meter, hour_start_s) DO UPDATE SET
            sample_count = r.sample_count + excluded.sample_count,
            first_seq = LEAST(r.first_seq, excluded.first_seq), last_seq = GREATEST(r.last_seq, excluded.last_seq),
            import_start_wh = LEAST(r.import_start_wh, excluded.import_start_wh), import_end_wh = GREATEST(r.import_end_wh, excluded.import_end_wh),
            export_start_wh = LEAST(r.export_start_wh, excluded.export_start_wh), export_end_wh = GREATEST(r.export_end_wh, excluded.export_end_wh),
            min_power_w = LEAST(r.min_power_w, excluded.min_power_w), max_power_w = GREATEST(r.max_power_w, excluded.max_power_w)
          RETURNING meter`,
    );
    const deleted = await queryRows<{ n: unknown }>(t, sql`WITH d AS (DELETE FROM samples WHERE time_s < ${cutoffS} RETURNING 1) SELECT count(*) AS n FROM d`);
    return { deletedSamples: Number(deleted[0]?.n ?? 0), rollupRows: rolled.length };
  });
}
