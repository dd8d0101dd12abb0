/**
 * Market interval arithmetic. Interval T covers [T, T + I) with T a multiple of I (Unix seconds).
 * A meter seals an interval at the first sample that ends on or after the boundary (device/src/records/recordLog.ts),
 * so a seal belongs to the interval whose end boundary it crossed: T = ⌊endS / I⌋ · I − I.
 */

/** Start of the interval containing `timeS`. */
export function intervalStartOf(timeS: number, intervalSeconds: number): number {
  return Math.floor(timeS / intervalSeconds) * intervalSeconds;
}

/** Start of the market interval a seal ending at `endS` closes. */
export function sealIntervalStartS(endS: number, intervalSeconds: number): number {
  return intervalStartOf(endS, intervalSeconds) - intervalSeconds;
}
