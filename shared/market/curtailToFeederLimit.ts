/**
 * Feeder limits (MAXIMUM_LOCAL_GRID_DEVIATION, second use): the market schedules at most
 * (1 − deviation) × the feeder limit across the link between a zone and its parent, keeping the tolerated
 * delivery deviation as headroom. Before a zone's unmatched orders are passed up, each side is capped at that
 * volume: whatever the parent matches, the zone's scheduled net flow then stays within ±cap. The best-priced
 * orders pass first; the one that crosses the cap passes partly if that part is ≥ the threshold; the rest is
 * curtailed to the utility. See `docs/grid_integration.md` §Feeder limits.
 */
import type { BookEntry } from './order.ts';

/** Orders allowed up, and the parts curtailed (each with the curtailed energy). */
export interface Curtailment {
  readonly passed: readonly BookEntry[];
  readonly curtailed: readonly BookEntry[];
}

/** The scheduling cap of a link: ⌊limitWh × (10 000 − deviationBps) / 10 000⌋. */
export function schedulableWh(feederLimitWh: number, maximumLocalGridDeviationBps: number): number {
  return Math.floor((feederLimitWh * (10_000 - maximumLocalGridDeviationBps)) / 10_000);
}

/**
 * @param remainders unmatched entries, offers then bids, each side in priority order (as `clearZone` returns them)
 * @param capWh largest volume per side allowed across the link (`schedulableWh`)
 *
 * @example curtailToFeederLimit([offer 3000 Wh, offer 2000 Wh], 4000, 500) // → passes 3000 + 1000, curtails 1000
 */
export function curtailToFeederLimit(remainders: readonly BookEntry[], capWh: number, thresholdWh: number): Curtailment {
  const passed: BookEntry[] = [];
  const curtailed: BookEntry[] = [];
  const usedWh = { sell: 0, buy: 0 };
  for (const entry of remainders) {
    const side = entry.order.side;
    const roomWh = capWh - usedWh[side];
    const passWh = entry.energyWh <= roomWh ? entry.energyWh : roomWh >= thresholdWh && roomWh > 0 ? roomWh : 0;
    if (passWh > 0) {
      passed.push(passWh === entry.energyWh ? entry : { ...entry, energyWh: passWh });
      usedWh[side] += passWh;
    }
    if (passWh < entry.energyWh) curtailed.push({ ...entry, energyWh: entry.energyWh - passWh });
  }
  return { passed, curtailed };
}
