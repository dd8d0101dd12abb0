/**
 * Moves each meter's chain head inside the ingest transaction: the newest record, the latest seal, and the
 * watermark (`contiguous_seq`: every seq at or below it is stored or inside an abandoned gap). Records the gaps
 * that new records open, the ranges a meter's status says are gone for good, and closes the gaps the watermark
 * passes. docs/adr/0303-end-to-end-acknowledgement.md explains the design.
 */
import { sql } from 'drizzle-orm';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';
import type { chainHeads } from './schema.ts';
import type { AcceptedRecord } from './writeIngestBatch.ts';

/** A missing range of one meter's chain. */
export interface GapRow {
  meter: string;
  fromSeq: number;
  toSeq: number;
}

/** A range recorded in `abandoned_gaps`. */
export interface AbandonedGapRow extends GapRow {
  reason: AbandonReason;
}

export type AbandonReason = 'meter_queue_overflow' | 'meter_no_longer_holds';

/** What a status says about a meter's flash queue: it holds nothing below `heldFromSeq`. */
export interface HeldFromReport {
  meter: string;
  heldFromSeq: number;
  /** Records the meter dropped from a full queue (its status's `dropped`). */
  dropped: number;
}

export interface ChainAdvance {
  /** Missing ranges seen by this batch's records (also those another relay recorded first). */
  gapsDetected: GapRow[];
  /** Gap rows this transaction inserted. */
  gapsOpened: GapRow[];
  /** Gap rows this transaction closed: the watermark passed them. */
  gapsClosed: GapRow[];
  /** Ranges this transaction recorded as abandoned. */
  abandoned: AbandonedGapRow[];
  /** Stored records whose seq lay below the meter's newest record or watermark: they filled a hole. */
  recordsFilled: number;
}

/** Bound on rows scanned to advance a watermark in one batch; the next batch of the meter goes on from there. */
const CONTIGUOUS_SCAN_LIMIT = 5000;

function columnParam<Row>(rows: Row[], pick: (row: Row) => unknown, type: string) {
  return sql`${sql.param(rows.map(pick))}::${sql.raw(type)}[]`;
}

/**
 * Advances the heads of the meters with stored records or a status report. The head rows are locked first (an
 * upsert, in meter order): a relay writing the same meter concurrently commits before this one reads on, so the
 * scans below see its records and a watermark never sticks behind.
 */
export async function advanceChainHeads(t: RelayDatabase, stored: readonly AcceptedRecord[], reports: readonly HeldFromReport[]): Promise<ChainAdvance> {
  const advance: ChainAdvance = { gapsDetected: [], gapsOpened: [], gapsClosed: [], abandoned: [], recordsFilled: 0 };
  const byMeter = new Map<string, AcceptedRecord[]>();
  for (const accepted of stored) {
    const list = byMeter.get(accepted.record.meter);
    if (list === undefined) byMeter.set(accepted.record.meter, [accepted]);
    else list.push(accepted);
  }
  // The highest heldFromSeq per meter; 0 says nothing (the meter holds everything it ever made).
  const heldFrom = new Map<string, HeldFromReport>();
  for (const report of reports) {
    if (report.heldFromSeq === 0) continue;
    const known = heldFrom.get(report.meter);
    if (known === undefined || report.heldFromSeq > known.heldFromSeq) heldFrom.set(report.meter, report);
  }
  const meterList = [...new Set([...byMeter.keys(), ...heldFrom.keys()])].sort();
  if (meterList.length === 0) return advance;

  // Insert-or-touch: either way the row is locked by this transaction and RETURNING gives its current values.
  const locked = await queryRows<{ meter: string; last_seq: unknown; contiguous_seq: unknown }>(
    t,
    sql`INSERT INTO chain_heads AS h (meter, last_seq, last_digest, contiguous_seq) SELECT m, -1, '', -1 FROM unnest(${sql.param(meterList)}::text[]) AS m ORDER BY m
        ON CONFLICT (meter) DO UPDATE SET meter = h.meter RETURNING h.meter, h.last_seq, h.contiguous_seq`,
  );
  const current = new Map(locked.map((row) => [row.meter, { lastSeq: Number(row.last_seq), contiguousSeq: Number(row.contiguous_seq) }]));
  const heads = new Map<string, typeof chainHeads.$inferInsert>();
  const needsScan = new Map<string, number>();
  // A gap row can only close where a hole was filled or abandoned, or a scan moved the watermark: records that
  // arrive in seq order never pass one.
  const mayCloseGaps = new Set<string>();
  for (const meter of meterList) {
    const head = current.get(meter) ?? { lastSeq: -1, contiguousSeq: -1 };
    const list = byMeter.get(meter);
    if (list === undefined) continue;
    list.sort((a, b) => a.record.seq - b.record.seq);
    // Seqs up to the watermark are accounted for even when none is stored (an abandoned range): no gap there.
    let lastKnown = Math.max(head.lastSeq, head.contiguousSeq);
    let contiguous = head.contiguousSeq;
    let last = list[0]!;
    let lastSeal: AcceptedRecord | undefined;
    for (const accepted of list) {
      const seq = accepted.record.seq;
      if (seq < head.lastSeq || seq <= head.contiguousSeq) {
        advance.recordsFilled += 1;
        mayCloseGaps.add(meter);
      }
      if (seq > lastKnown + 1) advance.gapsDetected.push({ meter, fromSeq: lastKnown + 1, toSeq: seq - 1 });
      if (seq === contiguous + 1) contiguous = seq;
      if (seq > lastKnown) lastKnown = seq;
      if (seq >= last.record.seq) last = accepted;
      if (accepted.record.kind === 'seal') lastSeal = accepted;
    }
    if (lastKnown > contiguous) needsScan.set(meter, contiguous);
    const seal = lastSeal?.record as SealRecord | undefined;
    heads.set(meter, {
      meter,
      lastSeq: last.record.seq,
      lastDigest: last.digest,
      contiguousSeq: contiguous,
      lastSealSeq: seal?.seq ?? null,
      lastSealImportEndWh: seal?.importEndWh ?? null,
      lastSealExportEndWh: seal?.exportEndWh ?? null,
    });
  }

  const abandonFrom = [...heldFrom.values()].filter((report) => report.heldFromSeq > (current.get(report.meter)?.contiguousSeq ?? -1) + 1);
  if (abandonFrom.length > 0) {
    advance.abandoned = await recordAbandonedGaps(t, abandonFrom.map((report) => ({ ...report, watermark: current.get(report.meter)?.contiguousSeq ?? -1 })));
    for (const report of abandonFrom) {
      const head = current.get(report.meter) ?? { lastSeq: -1, contiguousSeq: -1 };
      const known = heads.get(report.meter);
      if (known === undefined) {
        // No record of this meter in the batch: only the watermark moves (the merge below keeps the rest).
        heads.set(report.meter, { meter: report.meter, lastSeq: head.lastSeq, lastDigest: '', contiguousSeq: head.contiguousSeq, lastSealSeq: null, lastSealImportEndWh: null, lastSealExportEndWh: null });
      }
      needsScan.set(report.meter, heads.get(report.meter)!.contiguousSeq);
      mayCloseGaps.add(report.meter);
    }
  }

  if (needsScan.size > 0) {
    const scanned = await scanContiguous(t, needsScan);
    for (const [meter, contiguous] of scanned) {
      // The scan moved the watermark past stored records (a filled hole, possibly one filled in an earlier
      // batch whose scan stopped at its bound): gaps below may close.
      if (contiguous > needsScan.get(meter)!) mayCloseGaps.add(meter);
      heads.get(meter)!.contiguousSeq = contiguous;
    }
  }
  const headRows = [...heads.values()];
  if (headRows.length > 0) {
    // Monotone merge (the rows exist and are locked): a head only ever moves forward.
    await queryRows(
      t,
      sql`UPDATE chain_heads h SET
            last_digest = CASE WHEN u.last_seq > h.last_seq THEN u.last_digest ELSE h.last_digest END,
            last_seq = GREATEST(h.last_seq, u.last_seq),
            contiguous_seq = GREATEST(h.contiguous_seq, u.contiguous_seq),
            last_seal_seq = CASE WHEN u.last_seal_seq > coalesce(h.last_seal_seq, -1) THEN u.last_seal_seq ELSE h.last_seal_seq END,
            last_seal_import_end_wh = CASE WHEN u.last_seal_seq > coalesce(h.last_seal_seq, -1) THEN u.last_seal_import_end_wh ELSE h.last_seal_import_end_wh END,
            last_seal_export_end_wh = CASE WHEN u.last_seal_seq > coalesce(h.last_seal_seq, -1) THEN u.last_seal_export_end_wh ELSE h.last_seal_export_end_wh END,
            updated_at = now()
          FROM unnest(${columnParam(headRows, (h) => h.meter, 'text')}, ${columnParam(headRows, (h) => h.lastSeq, 'bigint')}, ${columnParam(headRows, (h) => h.lastDigest, 'text')},
            ${columnParam(headRows, (h) => h.contiguousSeq, 'bigint')}, ${columnParam(headRows, (h) => h.lastSealSeq, 'bigint')}, ${columnParam(headRows, (h) => h.lastSealImportEndWh, 'bigint')},
            ${columnParam(headRows, (h) => h.lastSealExportEndWh, 'bigint')}) AS u(meter, last_seq, last_digest, contiguous_seq, last_seal_seq, last_seal_import_end_wh, last_seal_export_end_wh)
          WHERE h.meter = u.meter`,
    );
  }
  if (advance.gapsDetected.length > 0) {
    const gaps = advance.gapsDetected;
    const opened = await queryRows<{ meter: string; from_seq: unknown; to_seq: unknown }>(
      t,
      sql`INSERT INTO chain_gaps (meter, from_seq, to_seq)
          SELECT * FROM unnest(${columnParam(gaps, (g) => g.meter, 'text')}, ${columnParam(gaps, (g) => g.fromSeq, 'bigint')}, ${columnParam(gaps, (g) => g.toSeq, 'bigint')})
          ON CONFLICT DO NOTHING RETURNING meter, from_seq, to_seq`,
    );
    advance.gapsOpened = opened.map((row) => ({ meter: row.meter, fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq) }));
  }
  if (mayCloseGaps.size > 0) {
    const closed = await queryRows<{ meter: string; from_seq: unknown; to_seq: unknown }>(
      t,
      sql`UPDATE chain_gaps g SET closed_at = now() FROM chain_heads h
          WHERE h.meter = ANY(${sql.param([...mayCloseGaps].sort())}::text[]) AND g.meter = h.meter AND g.closed_at IS NULL AND g.to_seq <= h.contiguous_seq
          RETURNING g.meter, g.from_seq, g.to_seq`,
    );
    advance.gapsClosed = closed.map((row) => ({ meter: row.meter, fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq) }));
  }
  return advance;
}

/**
 * Records every maximal range in [watermark + 1, heldFromSeq − 1] that holds no stored record (this transaction
 * sees its own inserts, so records of the same batch split the ranges), once: the primary key and
 * `ON CONFLICT DO NOTHING` make a repeated status record nothing twice.
 */
async function recordAbandonedGaps(t: RelayDatabase, reports: (HeldFromReport & { watermark: number })[]): Promise<AbandonedGapRow[]> {
  const reasonOf = (report: HeldFromReport): AbandonReason => (report.dropped > 0 ? 'meter_queue_overflow' : 'meter_no_longer_holds');
  const rows = await queryRows<{ meter: string; from_seq: unknown; to_seq: unknown; reason: AbandonReason }>(
    t,
    sql`WITH k AS (SELECT * FROM unnest(${columnParam(reports, (r) => r.meter, 'text')}, ${columnParam(reports, (r) => r.watermark, 'bigint')},
                    ${columnParam(reports, (r) => r.heldFromSeq, 'bigint')}, ${columnParam(reports, reasonOf, 'text')}) AS k(meter, w, h, reason)),
        present AS (SELECT k.meter, x.seq FROM k CROSS JOIN LATERAL (
          SELECT seq FROM samples WHERE meter = k.meter AND seq > k.w AND seq < k.h
          UNION SELECT seq FROM seals WHERE meter = k.meter AND seq > k.w AND seq < k.h) x),
        bounds AS (SELECT meter, w AS seq FROM k UNION ALL SELECT meter, seq FROM present UNION ALL SELECT meter, h FROM k),
        steps AS (SELECT meter, seq, lead(seq) OVER (PARTITION BY meter ORDER BY seq) AS next FROM bounds)
        INSERT INTO abandoned_gaps (meter, from_seq, to_seq, reason)
        SELECT s.meter, s.seq + 1, s.next - 1, k.reason FROM steps s JOIN k ON k.meter = s.meter WHERE s.next > s.seq + 1 ORDER BY s.meter, s.seq
        ON CONFLICT DO NOTHING RETURNING meter, from_seq, to_seq, reason`,
  );
  return rows.map((row) => ({ meter: row.meter, fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq), reason: row.reason }));
}

/**
 * For each meter, walks its stored seqs and abandoned ranges above its watermark (this transaction sees its own
 * inserts) while they follow on — one statement for all meters of the batch, at most
 * {@link CONTIGUOUS_SCAN_LIMIT} rows each.
 */
async function scanContiguous(t: RelayDatabase, from: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await queryRows<{ meter: string; from_seq: unknown; to_seq: unknown }>(
    t,
    sql`WITH k AS (SELECT * FROM unnest(${sql.param([...from.keys()])}::text[], ${sql.param([...from.values()])}::bigint[]) AS k(meter, c))
        SELECT k.meter, x.from_seq, x.to_seq FROM k CROSS JOIN LATERAL (
          SELECT from_seq, to_seq FROM (
            SELECT seq AS from_seq, seq AS to_seq FROM samples WHERE meter = k.meter AND seq > k.c
            UNION ALL SELECT seq, seq FROM seals WHERE meter = k.meter AND seq > k.c
            UNION ALL SELECT from_seq, to_seq FROM abandoned_gaps WHERE meter = k.meter AND to_seq > k.c) u
          ORDER BY from_seq LIMIT ${CONTIGUOUS_SCAN_LIMIT}) x
        ORDER BY k.meter, x.from_seq`,
  );
  const heads = new Map(from);
  const isStuck = new Set<string>();
  for (const row of rows) {
    if (isStuck.has(row.meter)) continue;
    const head = heads.get(row.meter)!;
    if (Number(row.from_seq) <= head + 1) heads.set(row.meter, Math.max(head, Number(row.to_seq)));
    else isStuck.add(row.meter);
  }
  return heads;
}
