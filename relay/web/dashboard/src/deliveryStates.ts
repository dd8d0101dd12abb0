/**
 * The operator's delivery listing (`GET /api/v1/delivery`) read for the status view: each meter's watermark, the
 * gaps the relay is still asking for, and the ranges lost for good — with the words the page shows for them.
 */

export interface OpenGapView {
  fromSeq: number;
  toSeq: number;
  detectedAt: string;
}

export interface AbandonedGapView {
  fromSeq: number;
  toSeq: number;
  reason: string;
  recordedAt: string;
}

/** One meter's row, as the relay sends it. */
export interface DeliveryStateView {
  meter: string;
  contiguousSeq: number;
  lastSeq: number;
  heldFromSeq: number | null;
  openGaps: OpenGapView[];
  openGapCount: number;
  abandonedGaps: AbandonedGapView[];
  abandonedGapCount: number;
  abandonedRecords: number;
}

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isText = (value: unknown): value is string => typeof value === 'string';

function readOpenGap(value: unknown): OpenGapView | undefined {
  const gap = (value ?? {}) as Record<string, unknown>;
  if (!isInteger(gap.fromSeq) || !isInteger(gap.toSeq) || !isText(gap.detectedAt)) return undefined;
  return { fromSeq: gap.fromSeq, toSeq: gap.toSeq, detectedAt: gap.detectedAt };
}

function readAbandonedGap(value: unknown): AbandonedGapView | undefined {
  const gap = (value ?? {}) as Record<string, unknown>;
  if (!isInteger(gap.fromSeq) || !isInteger(gap.toSeq) || !isText(gap.reason) || !isText(gap.recordedAt)) return undefined;
  return { fromSeq: gap.fromSeq, toSeq: gap.toSeq, reason: gap.reason, recordedAt: gap.recordedAt };
}

/** The meters of a listing body; entries without a meter address or watermark are left out. */
export function readDeliveryStates(body: unknown): DeliveryStateView[] {
  const list = (body as { meters?: unknown } | null)?.meters;
  if (!Array.isArray(list)) return [];
  const states: DeliveryStateView[] = [];
  for (const entry of list) {
    const state = (entry ?? {}) as Record<string, unknown>;
    if (!isText(state.meter) || !isInteger(state.contiguousSeq) || !isInteger(state.lastSeq)) continue;
    const openGaps = (Array.isArray(state.openGaps) ? state.openGaps : []).map(readOpenGap).filter((gap) => gap !== undefined);
    const abandonedGaps = (Array.isArray(state.abandonedGaps) ? state.abandonedGaps : []).map(readAbandonedGap).filter((gap) => gap !== undefined);
    states.push({
      meter: state.meter,
      contiguousSeq: state.contiguousSeq,
      lastSeq: state.lastSeq,
      heldFromSeq: isInteger(state.heldFromSeq) ? state.heldFromSeq : null,
      openGaps,
      openGapCount: isInteger(state.openGapCount) ? state.openGapCount : openGaps.length,
      abandonedGaps,
      abandonedGapCount: isInteger(state.abandonedGapCount) ? state.abandonedGapCount : abandonedGaps.length,
      abandonedRecords: isInteger(state.abandonedRecords) ? state.abandonedRecords : abandonedGaps.reduce((sum, gap) => sum + gap.toSeq - gap.fromSeq + 1, 0),
    });
  }
  return states;
}

/** "seq 5 – 7 (3 records)"; a single record: "seq 8 (1 record)". */
export function formatSeqRange(fromSeq: number, toSeq: number): string {
  const count = toSeq - fromSeq + 1;
  const records = `${count} record${count === 1 ? '' : 's'}`;
  return fromSeq === toSeq ? `seq ${fromSeq} (${records})` : `seq ${fromSeq} – ${toSeq} (${records})`;
}

/** Why a range was given up, in words; unknown codes are shown as they come. */
export function abandonReasonText(reason: string): string {
  if (reason === 'meter_queue_overflow') return 'the meter’s queue overflowed';
  if (reason === 'meter_no_longer_holds') return 'the meter no longer holds them';
  return reason;
}

/** A sequence number that may be −1 (nothing yet) → "—". */
export function formatSeq(seq: number): string {
  return seq < 0 ? '—' : String(seq);
}

/** Meters that lost records first (most lost first), then those with open gaps, then the rest by address. */
export function orderForAttention(states: readonly DeliveryStateView[]): DeliveryStateView[] {
  const rank = (state: DeliveryStateView) => (state.abandonedGapCount > 0 ? 0 : state.openGapCount > 0 ? 1 : 2);
  return [...states].sort((a, b) => rank(a) - rank(b) || b.abandonedRecords - a.abandonedRecords || (a.meter < b.meter ? -1 : a.meter > b.meter ? 1 : 0));
}

/** Totals over the listed meters for the card's summary line. */
export function deliveryTotals(states: readonly DeliveryStateView[]): { meters: number; openGaps: number; abandonedGaps: number; abandonedRecords: number } {
  return states.reduce(
    (totals, state) => ({
      meters: totals.meters + 1,
      openGaps: totals.openGaps + state.openGapCount,
      abandonedGaps: totals.abandonedGaps + state.abandonedGapCount,
      abandonedRecords: totals.abandonedRecords + state.abandonedRecords,
    }),
    { meters: 0, openGaps: 0, abandonedGaps: 0, abandonedRecords: 0 },
  );
}
