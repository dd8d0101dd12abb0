/**
 * The community panel's three figures, from a zone's energy totals over a period. Pure: the page and its tests
 * call the same function.
 *
 * - self-sufficiency: the share of the zone's consumption that its own production could cover,
 *   min(production, consumption) ÷ consumption — the usual definition for energy communities;
 * - local share: the share of consumption bought from neighbours through the market, traded ÷ consumption;
 *   undefined until a market interval has traded, so the page can say so instead of showing 0 %;
 * - CO₂ avoided: locally used production × the grid's carbon intensity (an assumption the page prints).
 */

/**
 * Grid carbon intensity assumed for "CO₂ avoided", grams per kWh. An order of magnitude for European grid mixes
 * (roughly 200–300 g/kWh in recent years); the page shows the figure it used, so a community can read it as such.
 */
export const ASSUMED_GRID_CARBON_G_PER_KWH = 250;

/** Energy totals of one zone over a period, Wh. */
export interface ZoneEnergyTotals {
  productionWh: number;
  consumptionWh: number;
  /** Energy traded between neighbours; undefined when no market interval has cleared in the period. */
  tradedWh: number | undefined;
}

export interface CommunityFigures {
  /** 0…1, undefined with no consumption to divide by. */
  selfSufficiency: number | undefined;
  /** 0…1, undefined with no trades or no consumption. */
  localShare: number | undefined;
  /** Production used inside the zone, Wh. */
  locallyUsedWh: number;
  co2AvoidedGrams: number;
}

/** Computes the community figures of a period. */
export function computeCommunityFigures(totals: ZoneEnergyTotals, carbonGPerKWh = ASSUMED_GRID_CARBON_G_PER_KWH): CommunityFigures {
  const locallyUsedWh = Math.max(0, Math.min(totals.productionWh, totals.consumptionWh));
  const hasConsumption = totals.consumptionWh > 0;
  return {
    selfSufficiency: hasConsumption ? locallyUsedWh / totals.consumptionWh : undefined,
    localShare: hasConsumption && totals.tradedWh !== undefined ? Math.min(1, totals.tradedWh / totals.consumptionWh) : undefined,
    locallyUsedWh,
    co2AvoidedGrams: Math.floor((locallyUsedWh * carbonGPerKWh) / 1000),
  };
}

/**
 * Energy of a power series, Wh, by the left-point rule: each point's power holds until the next point, but never
 * longer than `maxHoldS` — a gap in the data is missing data, not power that kept flowing. Rounded down.
 */
export function energyFromPowerSeries(timesS: readonly number[], powersW: readonly (number | null)[], maxHoldS: number): number {
  let wattSeconds = 0;
  for (let index = 0; index + 1 < timesS.length; index += 1) {
    const powerW = powersW[index];
    if (powerW === null || powerW === undefined) continue;
    const holdS = Math.min(maxHoldS, timesS[index + 1]! - timesS[index]!);
    if (holdS > 0) wattSeconds += powerW * holdS;
  }
  return Math.floor(wattSeconds / 3600);
}
