/**
 * What the chain checks need to know from the database about a batch: each meter's registration and chain
 * head, and the stored records at seq − 1, seq and seq + 1 around every incoming record. Loaded with three
 * statements per batch, whatever its size.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';

export interface MeterInfo {
  zone: string;
  isRegistered: boolean;
}

export interface ChainHeadState {
  lastSeq: number;
  lastDigest: string;
  contiguousSeq: number;
  lastSealSeq: number | null;
  lastSealImportEndWh: number | null;
  lastSealExportEndWh: number | null;
}

/** A stored record as a neighbour in the chain: its digest, its `prev`, and its registers (end registers for a seal). */
export interface StoredLink {
  digest: string;
  prev: string;
  importWh: number;
  exportWh: number;
}

export interface ChainContext {
  meters: Map<string, MeterInfo>;
  heads: Map<string, ChainHeadState>;
  /** Keyed by {@link linkKey}. */
  links: Map<string, StoredLink>;
}

/** Map key of one chain position. */
export function linkKey(meter: string, seq: number): string {
  return `${meter}:${seq}`;
}

const toNumberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Loads the context for records at the given positions (neighbours are added here). */
export async function loadChainContext(db: RelayDatabase, positions: readonly { meter: string; seq: number }[]): Promise<ChainContext> {
  const meterList = [...new Set(positions.map((position) => position.meter))];
  const keyMeters: string[] = [];
  const keySeqs: number[] = [];
  const seen = new Set<string>();
  for (const { meter, seq } of positions) {
    for (const around of [seq - 1, seq, seq + 1]) {
      if (around < 0) continue;
      const key = linkKey(meter, around);
      if (seen.has(key)) continue;
      seen.add(key);
      keyMeters.push(meter);
      keySeqs.push(around);
    }
  }
  const context: ChainContext = { meters: new Map(), heads: new Map(), links: new Map() };
  if (meterList.length === 0) return context;
  const meterParam = sql.param(meterList);
  const [meterRows, headRows, linkRows] = await Promise.all([
    queryRows<{ address: string; zone: string; is_registered: boolean }>(db, sql`SELECT address, zone, is_registered FROM meters WHERE address = ANY(${meterParam}::text[])`),
    queryRows<Record<string, unknown>>(db, sql`SELECT * FROM chain_heads WHERE meter = ANY(${meterParam}::text[])`),
    queryRows<{ meter: string; seq: unknown; digest: string; prev: string; import_wh: unknown; export_wh: unknown }>(
      db,
      sql`WITH k AS (SELECT * FROM unnest(${sql.param(keyMeters)}::text[], ${sql.param(keySeqs)}::bigint[]) AS k(meter, seq))
          SELECT s.meter, s.seq, s.digest, s.prev, s.import_wh, s.export_wh FROM samples s JOIN k ON s.meter = k.meter AND s.seq = k.seq
          UNION ALL
          SELECT e.meter, e.seq, e.digest, e.prev, e.import_end_wh, e.export_end_wh FROM seals e JOIN k ON e.meter = k.meter AND e.seq = k.seq`,
    ),
  ]);
  for (const row of meterRows) context.meters.set(row.address, { zone: row.zone, isRegistered: row.is_registered });
  for (const row of headRows) {
    context.heads.set(String(row.meter), {
      lastSeq: Number(row.last_seq),
      lastDigest: String(row.last_digest),
      contiguousSeq: Number(row.contiguous_seq),
      lastSealSeq: toNumberOrNull(row.last_seal_seq),
      lastSealImportEndWh: toNumberOrNull(row.last_seal_import_end_wh),
      lastSealExportEndWh: toNumberOrNull(row.last_seal_export_end_wh),
    });
  }
  for (const row of linkRows) {
    context.links.set(linkKey(row.meter, Number(row.seq)), { digest: row.digest, prev: row.prev, importWh: Number(row.import_wh), exportWh: Number(row.export_wh) });
  }
  return context;
}
