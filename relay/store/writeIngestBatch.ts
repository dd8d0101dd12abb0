/**
 * The ingest write path: one transaction per batch holding the new samples and seals (one multi-row statement
 * each, `ON CONFLICT DO NOTHING`), the rejections, the meters' statuses, the chain heads and gaps, and the
 * interval aggregates. Idempotent: writing the same batch twice stores every record once. When this resolves
 * the batch is durable and its messages may be acknowledged to the broker.
 */
import { sql } from 'drizzle-orm';
import type { MeterRecord, SampleRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { type ChainHeadState, linkKey } from './chainContext.ts';
import { payloadExcerpt } from './payloadExcerpt.ts';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';
import { chainGaps, chainHeads, meterStatus, meters, rejections, zoneIntervals } from './schema.ts';

/** A record that passed every check and is to be stored. */
export interface AcceptedRecord {
  record: MeterRecord;
  digest: string;
  zone: string;
  isRegisteredMeter: boolean;
  topic: string;
  /** The original payload, kept to write an excerpt should the insert reveal a conflict. */
  payload: Uint8Array;
}

export interface RejectionRow {
  topic: string;
  meter: string | null;
  seq: number | null;
  code: string;
  reason: string;
  payloadExcerpt: string;
  payloadBytes: number;
}

export interface StatusRow {
  meter: string;
  state: string;
  seq: number;
  queued: number;
  dropped: number;
  uptimeS: number;
}

export interface IngestWrite {
  accepted: AcceptedRecord[];
  rejections: RejectionRow[];
  statuses: StatusRow[];
  /** Meters first seen on the wire under the `accept` policy: inserted with `is_registered = false`. */
  unregisteredMeters: string[];
  /** Chain heads as loaded before the checks (informational; the write re-reads them under a row lock). */
  priorHeads: ReadonlyMap<string, ChainHeadState>;
}

export interface GapRow {
  meter: string;
  fromSeq: number;
  toSeq: number;
}

export interface IngestWriteResult {
  stored: AcceptedRecord[];
  /** Found already stored with the same digest by the insert itself (a concurrent relay won the race). */
  duplicates: AcceptedRecord[];
  /** Conflicts found by the insert (`chain_fork`, `interval_resealed`), stored as rejections in this transaction. */
  lateRejections: RejectionRow[];
  gaps: GapRow[];
}

/** Bound on rows scanned to advance a chain's contiguous head past a filled gap. */
const CONTIGUOUS_SCAN_LIMIT = 5000;

/**
 * One statement per batch with one array parameter per column (`unnest`), rather than a parameter per value:
 * the statement text and the parameter count stay fixed whatever the batch size.
 */
function columnParam<Row>(rows: Row[], pick: (row: Row) => unknown, type: string) {
  return sql`${sql.param(rows.map(pick))}::${sql.raw(type)}[]`;
}

async function insertSamples(t: RelayDatabase, records: AcceptedRecord[]) {
  const rows = records.map(sampleRow);
  return queryRows<{ meter: string; seq: unknown }>(
    t,
    sql`INSERT INTO samples (meter, seq, time_s, import_wh, export_wh, power_w, voltage_dv, current_ma, power_factor_permille, prev, digest)
        SELECT * FROM unnest(${columnParam(rows, (r) => r.meter, 'text')}, ${columnParam(rows, (r) => r.seq, 'bigint')}, ${columnParam(rows, (r) => r.timeS, 'bigint')},
          ${columnParam(rows, (r) => r.importWh, 'bigint')}, ${columnParam(rows, (r) => r.exportWh, 'bigint')}, ${columnParam(rows, (r) => r.powerW, 'integer')},
          ${columnParam(rows, (r) => r.voltageDv, 'integer')}, ${columnParam(rows, (r) => r.currentMa, 'bigint')}, ${columnParam(rows, (r) => r.powerFactorPermille, 'smallint')},
          ${columnParam(rows, (r) => r.prev, 'text')}, ${columnParam(rows, (r) => r.digest, 'text')})
        ON CONFLICT DO NOTHING RETURNING meter, seq`,
  );
}

async function insertSeals(t: RelayDatabase, records: AcceptedRecord[]) {
  const rows = records.map(sealRow);
  return queryRows<{ meter: string; seq: unknown }>(
    t,
    sql`INSERT INTO seals (meter, seq, start_s, end_s, import_start_wh, import_end_wh, export_start_wh, export_end_wh, sample_count, sig, prev, digest)
        SELECT * FROM unnest(${columnParam(rows, (r) => r.meter, 'text')}, ${columnParam(rows, (r) => r.seq, 'bigint')}, ${columnParam(rows, (r) => r.startS, 'bigint')},
          ${columnParam(rows, (r) => r.endS, 'bigint')}, ${columnParam(rows, (r) => r.importStartWh, 'bigint')}, ${columnParam(rows, (r) => r.importEndWh, 'bigint')},
          ${columnParam(rows, (r) => r.exportStartWh, 'bigint')}, ${columnParam(rows, (r) => r.exportEndWh, 'bigint')}, ${columnParam(rows, (r) => r.sampleCount, 'integer')},
          ${columnParam(rows, (r) => r.sig, 'text')}, ${columnParam(rows, (r) => r.prev, 'text')}, ${columnParam(rows, (r) => r.digest, 'text')})
        ON CONFLICT DO NOTHING RETURNING meter, seq`,
  );
}

function sampleRow(accepted: AcceptedRecord) {
  const record = accepted.record as SampleRecord;
  return {
    meter: record.meter,
    seq: record.seq,
    timeS: record.timeS,
    importWh: record.importWh,
    exportWh: record.exportWh,
    powerW: record.powerW,
    voltageDv: record.voltageDv,
    currentMa: record.currentMa,
    powerFactorPermille: record.powerFactorPermille,
    prev: record.prev,
    digest: accepted.digest,
  };
}

function sealRow(accepted: AcceptedRecord) {
  const record = accepted.record as SealRecord;
  return {
    meter: record.meter,
    seq: record.seq,
    startS: record.startS,
    endS: record.endS,
    importStartWh: record.importStartWh,
    importEndWh: record.importEndWh,
    exportStartWh: record.exportStartWh,
    exportEndWh: record.exportEndWh,
    sampleCount: record.sampleCount,
    sig: record.sig,
    prev: record.prev,
    digest: accepted.digest,
  };
}

const byMeterSeq = (a: AcceptedRecord, b: AcceptedRecord) => (a.record.meter < b.record.meter ? -1 : a.record.meter > b.record.meter ? 1 : a.record.seq - b.record.seq);

/** Writes one checked batch in one transaction. */
export async function writeIngestBatch(db: RelayDatabase, write: IngestWrite): Promise<IngestWriteResult> {
  // Rows in (meter, seq) order so that concurrent relays take row locks in the same order.
  const sampleRecords = write.accepted.filter((a) => a.record.kind === 'sample').sort(byMeterSeq);
  const sealRecords = write.accepted.filter((a) => a.record.kind === 'seal').sort(byMeterSeq);
  return db.transaction(async (tx) => {
    const t = tx as unknown as RelayDatabase;
    if (write.unregisteredMeters.length > 0) {
      await t.insert(meters).values([...new Set(write.unregisteredMeters)].sort().map((address) => ({ address, isRegistered: false }))).onConflictDoNothing();
    }
    const insertedKeys = new Set<string>();
    if (sampleRecords.length > 0) {
      for (const row of await insertSamples(t, sampleRecords)) insertedKeys.add(linkKey(row.meter, Number(row.seq)));
    }
    if (sealRecords.length > 0) {
      for (const row of await insertSeals(t, sealRecords)) insertedKeys.add(linkKey(row.meter, Number(row.seq)));
    }
    const stored: AcceptedRecord[] = [];
    const conflicted: AcceptedRecord[] = [];
    for (const accepted of write.accepted) (insertedKeys.has(linkKey(accepted.record.meter, accepted.record.seq)) ? stored : conflicted).push(accepted);

    const duplicates: AcceptedRecord[] = [];
    const lateRejections: RejectionRow[] = [];
    if (conflicted.length > 0) {
      const existing = await queryRows<{ meter: string; seq: unknown; digest: string }>(
        t,
        sql`WITH k AS (SELECT * FROM unnest(${sql.param(conflicted.map((a) => a.record.meter))}::text[], ${sql.param(conflicted.map((a) => a.record.seq))}::bigint[]) AS k(meter, seq))
            SELECT s.meter, s.seq, s.digest FROM samples s JOIN k USING (meter, seq) UNION ALL SELECT e.meter, e.seq, e.digest FROM seals e JOIN k USING (meter, seq)`,
      );
      const digestAt = new Map(existing.map((row) => [linkKey(row.meter, Number(row.seq)), row.digest]));
      for (const accepted of conflicted) {
        const storedDigest = digestAt.get(linkKey(accepted.record.meter, accepted.record.seq));
        if (storedDigest === accepted.digest) {
          duplicates.push(accepted);
          continue;
        }
        const isFork = storedDigest !== undefined;
        lateRejections.push({
          topic: accepted.topic,
          meter: accepted.record.meter,
          seq: accepted.record.seq,
          code: isFork ? 'chain_fork' : 'interval_resealed',
          reason: isFork
            ? `seq ${accepted.record.seq} is already stored with digest ${storedDigest}, got ${accepted.digest}`
            : `a seal for interval start ${(accepted.record as SealRecord).startS} is already stored`,
          payloadExcerpt: payloadExcerpt(accepted.payload),
          payloadBytes: accepted.payload.length,
        });
      }
    }

    const allRejections = [...write.rejections, ...lateRejections];
    if (allRejections.length > 0) await t.insert(rejections).values(allRejections);

    if (write.statuses.length > 0) {
      const latest = new Map(write.statuses.map((status) => [status.meter, status]));
      await t
        .insert(meterStatus)
        .values([...latest.values()].sort((a, b) => (a.meter < b.meter ? -1 : 1)).map((status) => ({ ...status, receivedAt: new Date() })))
        .onConflictDoUpdate({
          target: meterStatus.meter,
          set: { state: sql`excluded.state`, seq: sql`excluded.seq`, queued: sql`excluded.queued`, dropped: sql`excluded.dropped`, uptimeS: sql`excluded.uptime_s`, receivedAt: sql`excluded.received_at` },
        });
    }

    const gaps = await updateChainHeads(t, stored, write.priorHeads);
    await addIntervalAggregates(t, stored.filter((a) => a.record.kind === 'seal'));
    return { stored, duplicates, lateRejections, gaps };
  });
}

/**
 * Advances each touched meter's head and records the gaps that the new records open. The head rows are locked
 * first (an upsert, in meter order): a relay writing the same meter concurrently commits before this one
 * reads on, so the scan below sees its records and the contiguous head never sticks behind.
 */
async function updateChainHeads(t: RelayDatabase, stored: AcceptedRecord[], _priorHeads: ReadonlyMap<string, ChainHeadState>): Promise<GapRow[]> {
  const byMeter = new Map<string, AcceptedRecord[]>();
  for (const accepted of stored) {
    const list = byMeter.get(accepted.record.meter);
    if (list === undefined) byMeter.set(accepted.record.meter, [accepted]);
    else list.push(accepted);
  }
  if (byMeter.size === 0) return [];
  const meterList = [...byMeter.keys()].sort();
  // Insert-or-touch: either way the row is locked by this transaction and RETURNING gives its current values.
  const locked = await queryRows<{ meter: string; last_seq: unknown; contiguous_seq: unknown }>(
    t,
    sql`INSERT INTO chain_heads AS h (meter, last_seq, last_digest, contiguous_seq) SELECT m, -1, '', -1 FROM unnest(${sql.param(meterList)}::text[]) AS m ORDER BY m
        ON CONFLICT (meter) DO UPDATE SET meter = h.meter RETURNING h.meter, h.last_seq, h.contiguous_seq`,
  );
  const current = new Map(locked.map((row) => [row.meter, { lastSeq: Number(row.last_seq), contiguousSeq: Number(row.contiguous_seq) }]));
  const heads: (typeof chainHeads.$inferInsert)[] = [];
  const gaps: GapRow[] = [];
  const needsScan = new Map<string, number>();
  for (const meter of meterList) {
    const list = byMeter.get(meter)!;
    list.sort((a, b) => a.record.seq - b.record.seq);
    const head = current.get(meter);
    let lastKnown = head?.lastSeq ?? -1;
    let contiguous = head?.contiguousSeq ?? -1;
    let last = list[0]!;
    let lastSeal: AcceptedRecord | undefined;
    for (const accepted of list) {
      const seq = accepted.record.seq;
      if (seq > lastKnown + 1) gaps.push({ meter, fromSeq: lastKnown + 1, toSeq: seq - 1 });
      if (seq === contiguous + 1) contiguous = seq;
      if (seq > lastKnown) lastKnown = seq;
      if (seq >= last.record.seq) last = accepted;
      if (accepted.record.kind === 'seal') lastSeal = accepted;
    }
    if (lastKnown > contiguous) needsScan.set(meter, contiguous);
    const seal = lastSeal?.record as SealRecord | undefined;
    heads.push({
      meter,
      lastSeq: last.record.seq,
      lastDigest: last.digest,
      contiguousSeq: contiguous,
      lastSealSeq: seal?.seq ?? null,
      lastSealImportEndWh: seal?.importEndWh ?? null,
      lastSealExportEndWh: seal?.exportEndWh ?? null,
      updatedAt: new Date(),
    });
  }
  if (needsScan.size > 0) {
    const scanned = await scanContiguous(t, needsScan);
    for (const head of heads) head.contiguousSeq = scanned.get(head.meter) ?? head.contiguousSeq;
  }
  if (heads.length > 0) {
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
          FROM unnest(${columnParam(heads, (h) => h.meter, 'text')}, ${columnParam(heads, (h) => h.lastSeq, 'bigint')}, ${columnParam(heads, (h) => h.lastDigest, 'text')},
            ${columnParam(heads, (h) => h.contiguousSeq, 'bigint')}, ${columnParam(heads, (h) => h.lastSealSeq, 'bigint')}, ${columnParam(heads, (h) => h.lastSealImportEndWh, 'bigint')},
            ${columnParam(heads, (h) => h.lastSealExportEndWh, 'bigint')}) AS u(meter, last_seq, last_digest, contiguous_seq, last_seal_seq, last_seal_import_end_wh, last_seal_export_end_wh)
          WHERE h.meter = u.meter`,
    );
  }
  if (gaps.length > 0) await t.insert(chainGaps).values(gaps).onConflictDoNothing();
  return gaps;
}

/**
 * For each meter, walks its stored seqs above its contiguous head (this transaction sees its own inserts)
 * while they follow on — one statement for all meters of the batch, at most {@link CONTIGUOUS_SCAN_LIMIT} rows each.
 */
async function scanContiguous(t: RelayDatabase, from: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await queryRows<{ meter: string; seq: unknown }>(
    t,
    sql`WITH k AS (SELECT * FROM unnest(${sql.param([...from.keys()])}::text[], ${sql.param([...from.values()])}::bigint[]) AS k(meter, c))
        SELECT k.meter, x.seq FROM k CROSS JOIN LATERAL (
          SELECT seq FROM (SELECT seq FROM samples WHERE meter = k.meter AND seq > k.c UNION ALL SELECT seq FROM seals WHERE meter = k.meter AND seq > k.c) u
          ORDER BY seq LIMIT ${CONTIGUOUS_SCAN_LIMIT}) x
        ORDER BY k.meter, x.seq`,
  );
  const heads = new Map(from);
  const isStuck = new Set<string>();
  for (const row of rows) {
    if (isStuck.has(row.meter)) continue;
    const head = heads.get(row.meter)!;
    if (Number(row.seq) === head + 1) heads.set(row.meter, head + 1);
    else isStuck.add(row.meter);
  }
  return heads;
}

/** Per-meter interval rows for new seals, and their sums added into the zone rows. */
async function addIntervalAggregates(t: RelayDatabase, storedSeals: AcceptedRecord[]): Promise<void> {
  if (storedSeals.length === 0) return;
  const rows = storedSeals.map((accepted) => {
    const seal = accepted.record as SealRecord;
    return { meter: seal.meter, zone: accepted.zone, startS: seal.startS, endS: seal.endS, importWh: seal.importEndWh - seal.importStartWh, exportWh: seal.exportEndWh - seal.exportStartWh, sealSeq: seal.seq };
  });
  const inserted = (
    await queryRows<{ meter: string; zone: string; start_s: unknown; end_s: unknown; import_wh: unknown; export_wh: unknown }>(
      t,
      sql`INSERT INTO meter_intervals (meter, zone, start_s, end_s, import_wh, export_wh, seal_seq)
          SELECT * FROM unnest(${columnParam(rows, (r) => r.meter, 'text')}, ${columnParam(rows, (r) => r.zone, 'text')}, ${columnParam(rows, (r) => r.startS, 'bigint')},
            ${columnParam(rows, (r) => r.endS, 'bigint')}, ${columnParam(rows, (r) => r.importWh, 'bigint')}, ${columnParam(rows, (r) => r.exportWh, 'bigint')}, ${columnParam(rows, (r) => r.sealSeq, 'bigint')})
          ON CONFLICT DO NOTHING RETURNING meter, zone, start_s, end_s, import_wh, export_wh`,
    )
  ).map((row) => ({ zone: row.zone, startS: Number(row.start_s), endS: Number(row.end_s), importWh: Number(row.import_wh), exportWh: Number(row.export_wh) }));
  const byZone = new Map<string, typeof zoneIntervals.$inferInsert>();
  for (const row of inserted) {
    const key = `${row.zone}|${row.startS}`;
    const sum = byZone.get(key);
    if (sum === undefined) byZone.set(key, { zone: row.zone, startS: row.startS, endS: row.endS, importWh: row.importWh, exportWh: row.exportWh, meterCount: 1 });
    else {
      sum.importWh += row.importWh;
      sum.exportWh += row.exportWh;
      sum.meterCount += 1;
      if (row.endS > sum.endS) sum.endS = row.endS;
    }
  }
  if (byZone.size === 0) return;
  await t
    .insert(zoneIntervals)
    .values([...byZone.values()].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.startS - b.startS)))
    .onConflictDoUpdate({
      target: [zoneIntervals.zone, zoneIntervals.startS],
      set: {
        importWh: sql`zone_intervals.import_wh + excluded.import_wh`,
        exportWh: sql`zone_intervals.export_wh + excluded.export_wh`,
        meterCount: sql`zone_intervals.meter_count + excluded.meter_count`,
        endS: sql`GREATEST(zone_intervals.end_s, excluded.end_s)`,
      },
    });
}
