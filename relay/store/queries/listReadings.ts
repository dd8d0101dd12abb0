import { and, asc, eq, gt, gte, lt } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { samples } from '../schema.ts';

/** One stored sample as the owner reads it. */
export interface Reading {
  seq: number;
  timeS: number;
  importWh: number;
  exportWh: number;
  powerW: number;
  voltageDv: number;
  currentMa: number;
  powerFactorPermille: number;
  digest: string;
}

/** A meter's readings measured in [fromS, toS), after a sequence number, one bounded page. */
export interface ListReadingsQuery {
  meter: string;
  fromS: number;
  toS: number;
  /** Keyset cursor: only readings with a larger sequence number. */
  afterSeq?: number | undefined;
  limit: number;
}

/** A meter's samples in measurement-time range, in chain order (sequence number). */
export async function listReadings(db: RelayDatabase, query: ListReadingsQuery): Promise<Reading[]> {
  return db
    .select({
      seq: samples.seq,
      timeS: samples.timeS,
      importWh: samples.importWh,
      exportWh: samples.exportWh,
      powerW: samples.powerW,
      voltageDv: samples.voltageDv,
      currentMa: samples.currentMa,
      powerFactorPermille: samples.powerFactorPermille,
      digest: samples.digest,
    })
    .from(samples)
    .where(
      and(
        eq(samples.meter, query.meter),
        gte(samples.timeS, query.fromS),
        lt(samples.timeS, query.toS),
        query.afterSeq === undefined ? undefined : gt(samples.seq, query.afterSeq),
      ),
    )
    .orderBy(asc(samples.seq))
    .limit(query.limit);
}
