/**
 * Sealed per-meter intervals (`meter_intervals`, written by ingest) for forecasting, and the seals themselves for
 * settlement.
 */
import { sql } from 'drizzle-orm';
import type { SealRecord } from '../../../shared/protocol/recordTypes.ts';
import type { SealedInterval } from '../../market/netHistory.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** Sealed intervals of `meters` that ended in [fromS, toS), by meter. */
export async function listSealedIntervals(db: RelayDatabase, meters: readonly string[], fromS: number, toS: number): Promise<Map<string, SealedInterval[]>> {
  const byMeter = new Map<string, SealedInterval[]>();
  if (meters.length === 0) return byMeter;
  const rows = await queryRows<{ meter: string; end_s: unknown; import_wh: unknown; export_wh: unknown }>(
    db,
    sql`SELECT meter, end_s, import_wh, export_wh FROM meter_intervals WHERE meter = ANY(${sql.param([...meters])}::text[]) AND end_s >= ${fromS} AND end_s < ${toS} ORDER BY meter, end_s`,
  );
  for (const row of rows) {
    const list = byMeter.get(row.meter) ?? [];
    list.push({ endS: Number(row.end_s), importWh: Number(row.import_wh), exportWh: Number(row.export_wh) });
    byMeter.set(row.meter, list);
  }
  return byMeter;
}

/**
 * The stored seals of `meters` that lie within the market interval [startS, endS] (docs/protocol.md: a seal's
 * boundaries are its interval's; the contract refuses a seal outside the interval it settles).
 */
export async function listSealsWithin(db: RelayDatabase, meters: readonly string[], startS: number, endS: number): Promise<SealRecord[]> {
  if (meters.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT * FROM seals WHERE meter = ANY(${sql.param([...meters])}::text[]) AND start_s >= ${startS} AND end_s <= ${endS} AND end_s > ${startS} ORDER BY meter, seq`,
  );
  return rows.map((row) => ({
    v: 1, kind: 'seal', meter: String(row.meter), seq: Number(row.seq), prev: String(row.prev),
    startS: Number(row.start_s), endS: Number(row.end_s),
    importStartWh: Number(row.import_start_wh), importEndWh: Number(row.import_end_wh),
    exportStartWh: Number(row.export_start_wh), exportEndWh: Number(row.export_end_wh),
    sampleCount: Number(row.sample_count), sig: String(row.sig),
  }));
}
