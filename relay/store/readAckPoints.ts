/**
 * What the relay may acknowledge to each meter (docs/adr/0303-end-to-end-acknowledgement.md): its watermark W
 * (`chain_heads.contiguous_seq`), its newest stored seq, and the highest STORED seq at or below W with that
 * record's digest — an ack names a record the relay holds, so that a meter can check it against its own.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';

/** Where one meter's chain stands after a batch. */
export interface MeterPosition {
  meter: string;
  /** The watermark: every seq ≤ it is stored or abandoned (−1 before anything is). */
  contiguousSeq: number;
  /** Newest stored seq (−1 before anything is stored). */
  lastSeq: number;
  /** The ack to send; undefined while no record at or below the watermark is stored. */
  ack: { uptoSeq: number; digest: string } | undefined;
}

/**
 * Reads the positions of `meters` (those without a chain head are left out): one statement, two index probes
 * per meter. Inside the ingest transaction it sees the heads and records that transaction wrote.
 */
export async function readAckPoints(db: RelayDatabase, meters: readonly string[]): Promise<MeterPosition[]> {
  if (meters.length === 0) return [];
  const rows = await queryRows<{ meter: string; contiguous_seq: unknown; last_seq: unknown; seq: unknown; digest: string | null }>(
    db,
    sql`SELECT h.meter, h.contiguous_seq, h.last_seq, x.seq, x.digest FROM chain_heads h LEFT JOIN LATERAL (
          SELECT seq, digest FROM (
            (SELECT seq, digest FROM samples WHERE meter = h.meter AND seq <= h.contiguous_seq ORDER BY seq DESC LIMIT 1)
            UNION ALL
            (SELECT seq, digest FROM seals WHERE meter = h.meter AND seq <= h.contiguous_seq ORDER BY seq DESC LIMIT 1)) u
          ORDER BY seq DESC LIMIT 1) x ON true
        WHERE h.meter = ANY(${sql.param([...new Set(meters)])}::text[])
        ORDER BY h.meter`,
  );
  return rows.map((row) => ({
    meter: row.meter,
    contiguousSeq: Number(row.contiguous_seq),
    lastSeq: Number(row.last_seq),
    ack: row.seq === null || row.seq === undefined || row.digest === null ? undefined : { uptoSeq: Number(row.seq), digest: row.digest },
  }));
}
