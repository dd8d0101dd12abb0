/**
 * How far the relay holds each meter's chain (docs/delivery: watermark, gaps, abandoned ranges), for the
 * delivery routes and the operator's status view.
 *
 * Raw SQL through `queryRows`, read the same way on both drivers: integers through `Number` (bigint columns come
 * back as number, bigint or string depending on the driver) and times formatted by the database as ISO 8601 UTC
 * text, so no driver's date parsing is involved.
 */
import { sql, type SQL } from 'drizzle-orm';
import { inList } from '../inList.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** A missing range the relay has asked the meter to send again; closes when the watermark passes it. */
export interface OpenGap {
  fromSeq: number;
  /** As recorded when the gap was detected; records inside it may have arrived since. */
  toSeq: number;
  detectedAt: string;
}

/** A missing range given up for good: the meter reported it no longer holds those records. */
export interface AbandonedGap {
  fromSeq: number;
  toSeq: number;
  /** `meter_queue_overflow` or `meter_no_longer_holds` (docs/protocol.md). */
  reason: string;
  recordedAt: string;
}

/** A meter's delivery state without the record count (which needs a count over its samples). */
export interface DeliveryState {
  meter: string;
  /** Watermark: every seq ≤ it is stored or abandoned; −1 before anything is. */
  contiguousSeq: number;
  /** Highest seq stored; −1 before anything is. */
  lastSeq: number;
  /** Lowest seq the meter last reported still holding (its status), null until a status carried it. */
  heldFromSeq: number | null;
  /** Open gaps, lowest first: the newest `gapsListed` of them when there are more. */
  openGaps: OpenGap[];
  openGapCount: number;
  /** Abandoned gaps, lowest first: the newest `gapsListed` of them when there are more. */
  abandonedGaps: AbandonedGap[];
  abandonedGapCount: number;
  /** Sequence numbers inside all abandoned gaps: records lost for good. */
  abandonedRecords: number;
}

/** One meter's delivery state for the per-meter route. */
export interface MeterDelivery extends DeliveryState {
  /**
   * Records the relay has held for the meter: samples and seals stored, plus samples the retention job folded
   * into hourly rollups (those rows are gone, but they arrived).
   */
  recordsStored: number;
}

/** At most this many gaps of each kind per meter in one answer (the newest), so an answer stays bounded. */
export const MAX_GAPS_LISTED = 500;

const isoUtc = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface HeadRow extends Record<string, unknown> {
  meter: string;
  contiguous_seq: unknown;
  last_seq: unknown;
  held_from_seq: unknown;
}

interface GapRow extends Record<string, unknown> {
  meter: string;
  from_seq: unknown;
  to_seq: unknown;
  at: string;
  reason?: string;
  total: unknown;
  seq_count?: unknown;
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Open gaps of the given meters, the newest `perMeter` of each, with each meter's total. */
async function openGapRows(db: RelayDatabase, meters: readonly string[], perMeter: number): Promise<GapRow[]> {
  return queryRows<GapRow>(
    db,
    sql`SELECT meter, from_seq, to_seq, at, total FROM (
          SELECT meter, from_seq, to_seq, ${isoUtc(sql`detected_at`)} AS at,
                 row_number() OVER (PARTITION BY meter ORDER BY from_seq DESC) AS newest,
                 count(*) OVER (PARTITION BY meter) AS total
          FROM chain_gaps WHERE closed_at IS NULL AND ${inList('meter', meters)}
        ) g WHERE newest <= ${perMeter} ORDER BY meter, from_seq`,
  );
}

/** Abandoned gaps of the given meters, the newest `perMeter` of each, with each meter's totals. */
async function abandonedGapRows(db: RelayDatabase, meters: readonly string[], perMeter: number): Promise<GapRow[]> {
  return queryRows<GapRow>(
    db,
    sql`SELECT meter, from_seq, to_seq, at, reason, total, seq_count FROM (
          SELECT meter, from_seq, to_seq, reason, ${isoUtc(sql`recorded_at`)} AS at,
                 row_number() OVER (PARTITION BY meter ORDER BY from_seq DESC) AS newest,
                 count(*) OVER (PARTITION BY meter) AS total,
                 sum(to_seq - from_seq + 1) OVER (PARTITION BY meter) AS seq_count
          FROM abandoned_gaps WHERE ${inList('meter', meters)}
        ) g WHERE newest <= ${perMeter} ORDER BY meter, from_seq`,
  );
}

/** Builds the states of `heads` (in their order) with their gaps. */
async function withGaps(db: RelayDatabase, heads: HeadRow[], perMeter: number): Promise<DeliveryState[]> {
  if (heads.length === 0) return [];
  const addresses = heads.map((head) => head.meter);
  const [open, abandoned] = await Promise.all([openGapRows(db, addresses, perMeter), abandonedGapRows(db, addresses, perMeter)]);
  const states = new Map<string, DeliveryState>();
  for (const head of heads) {
    states.set(head.meter, {
      meter: head.meter,
      contiguousSeq: nullableNumber(head.contiguous_seq) ?? -1,
      lastSeq: nullableNumber(head.last_seq) ?? -1,
      heldFromSeq: nullableNumber(head.held_from_seq),
      openGaps: [],
      openGapCount: 0,
      abandonedGaps: [],
      abandonedGapCount: 0,
      abandonedRecords: 0,
    });
  }
  for (const row of open) {
    const state = states.get(row.meter);
    if (state === undefined) continue;
    state.openGaps.push({ fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq), detectedAt: row.at });
    state.openGapCount = Number(row.total);
  }
  for (const row of abandoned) {
    const state = states.get(row.meter);
    if (state === undefined) continue;
    state.abandonedGaps.push({ fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq), reason: String(row.reason), recordedAt: row.at });
    state.abandonedGapCount = Number(row.total);
    state.abandonedRecords = Number(row.seq_count);
  }
  return [...states.values()];
}

/**
 * One meter's delivery state, or undefined when the meter is not registered (`meters`).
 * @example const delivery = await meterDelivery(store.db, '0x90f7…b906');
 */
export async function meterDelivery(db: RelayDatabase, meter: string): Promise<MeterDelivery | undefined> {
  const rows = await queryRows<HeadRow & { samples: unknown; seals: unknown; rolled_up: unknown }>(
    db,
    sql`SELECT m.address AS meter, h.contiguous_seq, h.last_seq, s.held_from_seq,
               (SELECT count(*) FROM samples WHERE meter = m.address) AS samples,
               (SELECT count(*) FROM seals WHERE meter = m.address) AS seals,
               (SELECT coalesce(sum(sample_count), 0) FROM sample_rollups WHERE meter = m.address) AS rolled_up
        FROM meters m
        LEFT JOIN chain_heads h ON h.meter = m.address
        LEFT JOIN meter_status s ON s.meter = m.address
        WHERE m.address = ${meter}`,
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const [state] = await withGaps(db, [row], MAX_GAPS_LISTED);
  return { ...state!, recordsStored: Number(row.samples) + Number(row.seals) + Number(row.rolled_up) };
}

/** Page of {@link listMeterDelivery}. */
export interface ListMeterDeliveryQuery {
  /** Keyset cursor: only meters whose address sorts after this one. */
  after?: string | undefined;
  limit: number;
  /** Gaps of each kind listed per meter (the newest); the counts always cover all of them. */
  gapsPerMeter: number;
}

/**
 * Delivery state of registered meters in address order, one page at a time, without record counts (a count per
 * meter would read every sample row on each poll of the status view).
 */
export async function listMeterDelivery(db: RelayDatabase, query: ListMeterDeliveryQuery): Promise<DeliveryState[]> {
  const heads = await queryRows<HeadRow>(
    db,
    sql`SELECT m.address AS meter, h.contiguous_seq, h.last_seq, s.held_from_seq
        FROM meters m
        LEFT JOIN chain_heads h ON h.meter = m.address
        LEFT JOIN meter_status s ON s.meter = m.address
        ${query.after === undefined ? sql`` : sql`WHERE m.address > ${query.after}`}
        ORDER BY m.address
        LIMIT ${query.limit}`,
  );
  return withGaps(db, heads, query.gapsPerMeter);
}
