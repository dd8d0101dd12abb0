/**
 * Forecast of a meter's next-interval net energy from its own history (positive = surplus to sell,
 * negative = need to buy), Wh.
 *
 * Method: the average of the same interval of day over the last `days` days ("same time yesterday, the day
 * before, …" — solar and household load both follow the clock) blended with the last interval (persistence —
 * today's weather), `sameTimeWeightBps` / 10 000 on the former:
 *
 *   sameTime = round(Σ_{d=1..D} h[t − d·I] / D')      (D' = how many of those days exist in the history)
 *   forecast = round((w · sameTime + (10 000 − w) · h[t − 1]) / 10 000)
 *
 * With no same-time history the forecast is the last interval; with no history at all it is 0.
 */

/** Tuning of the forecast. */
export interface ForecastOptions {
  /** Intervals per day: 24 for hourly data, 96 for 15-minute intervals. */
  readonly intervalsPerDay: number;
  /** How many past days to average (D). Default 7. */
  readonly days?: number;
  /** Weight of the same-time average in bps (w). Default 7 000. */
  readonly sameTimeWeightBps?: number;
}

/**
 * Forecasts interval t = `historyWh.length` from `historyWh[0…t−1]`.
 *
 * @example forecastNextNetWh([...yesterday, ...today], { intervalsPerDay: 24 })
 */
export function forecastNextNetWh(historyWh: ArrayLike<number>, options: ForecastOptions): number {
  const t = historyWh.length;
  if (t === 0) return 0;
  const lastWh = historyWh[t - 1] as number;
  const days = options.days ?? 7;
  const weightBps = options.sameTimeWeightBps ?? 7000;
  let sumWh = 0;
  let count = 0;
  for (let d = 1; d <= days; d += 1) {
    const index = t - d * options.intervalsPerDay;
    if (index < 0) break;
    sumWh += historyWh[index] as number;
    count += 1;
  }
  if (count === 0) return lastWh;
  const sameTimeWh = Math.round(sumWh / count);
  return Math.round((weightBps * sameTimeWh + (10_000 - weightBps) * lastWh) / 10_000);
}

/**
 * Mean absolute error of a forecast, Wh, rounded to the nearest Wh: round(Σ |actual − forecast| / n).
 *
 * @example meanAbsoluteErrorWh([100, -200], [150, -100]) // → 75
 */
export function meanAbsoluteErrorWh(actualWh: ArrayLike<number>, forecastWh: ArrayLike<number>): number {
  if (actualWh.length !== forecastWh.length) {
    throw new RangeError(`expected as many forecasts as actual values, got ${forecastWh.length} and ${actualWh.length}`);
  }
  if (actualWh.length === 0) return 0;
  let sumWh = 0;
  for (let i = 0; i < actualWh.length; i += 1) sumWh += Math.abs((actualWh[i] as number) - (forecastWh[i] as number));
  return Math.round(sumWh / actualWh.length);
}
