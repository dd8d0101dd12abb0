/**
 * The ingest write path: one transaction per batch holding the new samples and seals (one multi-row statement
 * each, `ON CONFLICT DO NOTHING`), the rejections, the meters' statuses, the chain heads, gaps and abandoned
 * ranges (`advanceChainHeads.ts`), and the interval aggregates. Idempotent: writing the same batch twice stores
 * every record once. When this resolves the batch is durable: its messages may be acknowledged to the broker,
 * and the meters it touched to their meters (`positions`).
 */
import { sql } from 'drizzle-orm';
import type { MeterRecord, SampleRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { type AbandonedGapRow, advanceChainHeads, type GapRow } from './advanceChainHeads.ts';
import { type ChainHeadState, linkKey } from './chainContext.ts';
import { payloadExcerpt } from './payloadExcerpt.ts';
import { queryRows } from './queryRows.ts';
import { type MeterPosition, readAckPoints } from './readAckPoints.ts';
import type { RelayDatabase } from './relayDatabase.ts';
import { meterStatus, meters, rejections, zoneIntervals } from './schema.ts';

export type { AbandonedGapRow, GapRow } from './advanceChainHeads.ts';
export type { MeterPosition } from './readAckPoints.ts';

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
  /** Lowest seq still in the meter's queue; null when the status does not say (older firmware). */
  heldFromSeq: number | null;
  uptimeS: number;
}

export interface IngestWrite {
  accepted: AcceptedRecord[];
  rejections: RejectionRow[];
  statuses: StatusRow[];
  /** Meters first seen on the wire under the `accept` policy: inserted with `is_registered = false`. */
  unregisteredMeters: string[];
  /** Meters with records the chain checks found already stored: acknowledged again. */
  duplicateMeters: string[];
  /** Chain heads as loaded before the checks (informational; the write re-reads them under a row lock). */
  priorHeads: ReadonlyMap<string, ChainHeadState>;
}

export interface IngestWriteResult {
  stored: AcceptedRecord[];
  /** Found already stored with the same digest by the insert itself (a concurrent relay won the race). */
  duplicates: AcceptedRecord[];
  /** Conflicts found by the insert (`chain_fork`, `interval_resealed`), stored as rejections in this transaction. */
  lateRejections: RejectionRow[];
  /** Missing ranges seen by this batch's records (also those recorded before, by this or another relay). */
  gaps: GapRow[];
  /** Gap rows opened, and closed because the watermark passed them, by this transaction. */
  gapsOpened: GapRow[];
  gapsClosed: GapRow[];
  /** Ranges recorded as gone for good because a status's `heldFromSeq` lies above them. */
  abandoned: AbandonedGapRow[];
  /** Stored records that filled a hole below the meter's newest record or watermark. */
  recordsFilled: number;
  /** After the batch, each meter it touched (stored records, duplicates, an abandoned range): what to acknowledge. */
  positions: MeterPosition[];
}

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
          set: {
            state: sql`excluded.state`,
            seq: sql`excluded.seq`,
            queued: sql`excluded.queued`,
            dropped: sql`excluded.dropped`,
            heldFromSeq: sql`excluded.held_from_seq`,
            uptimeS: sql`excluded.uptime_s`,
            receivedAt: sql`excluded.received_at`,
          },
        });
    }

    const reports = write.statuses.flatMap((status) => (status.heldFromSeq === null ? [] : [{ meter: status.meter, heldFromSeq: status.heldFromSeq, dropped: status.dropped }]));
    const advance = await advanceChainHeads(t, stored, reports);
    await addIntervalAggregates(t, stored.filter((a) => a.record.kind === 'seal'));
    const touched = [...stored, ...duplicates].map((a) => a.record.meter).concat(write.duplicateMeters, advance.abandoned.map((gap) => gap.meter));
    const positions = await readAckPoints(t, touched);
    return {
      stored,
      duplicates,
      lateRejections,
      gaps: advance.gapsDetected,
      gapsOpened: advance.gapsOpened,
      gapsClosed: advance.gapsClosed,
      abandoned: advance.abandoned,
      recordsFilled: advance.recordsFilled,
      positions,
    };
  });
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
