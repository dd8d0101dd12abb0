import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { seals } from '../schema.ts';

/** One stored interval seal, with everything needed to check its signature again (docs/protocol.md). */
export interface StoredSeal {
  seq: number;
  prev: string;
  startS: number;
  endS: number;
  importStartWh: number;
  importEndWh: number;
  exportStartWh: number;
  exportEndWh: number;
  sampleCount: number;
  sig: string;
  digest: string;
}

/** A meter's seals whose interval starts in [fromS, toS), one bounded page. */
export interface ListSealsQuery {
  meter: string;
  fromS: number;
  toS: number;
  limit: number;
}

/** A meter's seals in interval order. */
export async function listSeals(db: RelayDatabase, query: ListSealsQuery): Promise<StoredSeal[]> {
  return db
    .select({
      seq: seals.seq,
      prev: seals.prev,
      startS: seals.startS,
      endS: seals.endS,
      importStartWh: seals.importStartWh,
      importEndWh: seals.importEndWh,
      exportStartWh: seals.exportStartWh,
      exportEndWh: seals.exportEndWh,
      sampleCount: seals.sampleCount,
      sig: seals.sig,
      digest: seals.digest,
    })
    .from(seals)
    .where(and(eq(seals.meter, query.meter), gte(seals.startS, query.fromS), lt(seals.startS, query.toS)))
    .orderBy(asc(seals.startS))
    .limit(query.limit);
}
