/**
 * A meter's sealed net energy per interval, as the dense series the forecast reads (one value per interval,
 * oldest first, ending with the interval before the one being forecast). Missing data is never zero (DESIGN §3):
 * an interval without a seal repeats the last sealed value; before the first seal there is no history at all.
 */
import { sealIntervalStartS } from './marketTime.ts';

/** One sealed interval of a meter (from `meter_intervals`). */
export interface SealedInterval {
  endS: number;
  importWh: number;
  exportWh: number;
}

/**
 * Dense history for forecasting interval `intervalStartS`, at most `maxIntervals` long.
 * @example denseNetHistoryWh([{ endS: 1800, importWh: 0, exportWh: 120 }], 2700, 900, 672) // → [120]
 */
export function denseNetHistoryWh(sealed: readonly SealedInterval[], intervalStartS: number, intervalSeconds: number, maxIntervals: number): number[] {
  const byInterval = new Map<number, number>();
  for (const row of sealed) {
    const startS = sealIntervalStartS(row.endS, intervalSeconds);
    if (startS >= intervalStartS) continue;
    byInterval.set(startS, (byInterval.get(startS) ?? 0) + row.exportWh - row.importWh);
  }
  if (byInterval.size === 0) return [];
  const firstS = Math.max(Math.min(...byInterval.keys()), intervalStartS - maxIntervals * intervalSeconds);
  const history: number[] = [];
  let last: number | undefined;
  for (let s = firstS; s < intervalStartS; s += intervalSeconds) {
    const value = byInterval.get(s) ?? last;
    if (value === undefined) continue;
    history.push(value);
    last = value;
  }
  return history;
}
