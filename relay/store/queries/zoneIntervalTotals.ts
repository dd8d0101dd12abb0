import { and, asc, countDistinct, eq, gte, lt, sql } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { meterIntervals } from '../schema.ts';

/** Metered energy of one zone over one market interval, summed over the zone's sealed meters. */
export interface ZoneIntervalTotal {
  startS: number;
  endS: number;
  /** Energy the zone's meters fed into the grid (sum of export registers' increase), Wh. */
  exportWh: number;
  /** Energy the zone's meters drew from the grid, Wh. */
  importWh: number;
  /** exportWh − importWh: positive when the zone as a whole exported. */
  netExportWh: number;
  /** Distinct meters whose seals the sums cover. */
  meterCount: number;
}

/** One zone's interval totals with start in [fromS, toS), at most `limit` intervals. */
export interface ZoneIntervalTotalsQuery {
  zone: string;
  fromS: number;
  toS: number;
  limit: number;
}

/**
 * Sums sealed meter intervals per interval start. Counts every interval however few meters it covers: the
 * privacy rule (`aggregatePrivacy.ts`) is applied by the caller, which must not pass small ones on.
 */
export async function zoneIntervalTotals(db: RelayDatabase, query: ZoneIntervalTotalsQuery): Promise<ZoneIntervalTotal[]> {
  const rows = await db
    .select({
      startS: meterIntervals.startS,
      endS: sql<string>`max(${meterIntervals.endS})`,
      exportWh: sql<string>`sum(${meterIntervals.exportWh})`,
      importWh: sql<string>`sum(${meterIntervals.importWh})`,
      meterCount: countDistinct(meterIntervals.meter),
    })
    .from(meterIntervals)
    .where(and(eq(meterIntervals.zone, query.zone), gte(meterIntervals.startS, query.fromS), lt(meterIntervals.startS, query.toS)))
    .groupBy(meterIntervals.startS)
    .orderBy(asc(meterIntervals.startS))
    .limit(query.limit);
  // sum()/max() over bigint come back as numeric text; the values are Wh below 2^53.
  return rows.map((row) => {
    const exportWh = Number(row.exportWh);
    const importWh = Number(row.importWh);
    return { startS: row.startS, endS: Number(row.endS), exportWh, importWh, netExportWh: exportWh - importWh, meterCount: row.meterCount };
  });
}
