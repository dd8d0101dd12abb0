/**
 * A year of hourly market intervals over measured household data: each hour every home's net position becomes
 * one order — sized on the hour's actual net energy (`orderSizing: "actual"`, a perfect forecast: the market's
 * upper bound) or on `forecastNextNetWh` (`"forecast"`, what a relay can really do) — "auto" orders are priced
 * from the community's imbalance, the zone tree clears, and each household's hour is settled against what
 * really happened (`settleHouseholdHour`) and compared with the no-trading baseline. Pure computation.
 */
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import { forecastNextNetWh, meanAbsoluteErrorWh } from '../../shared/forecast/forecastNetWh.ts';
import { priceSizedOrder, sizeOrder } from '../../shared/forecast/sizeOrder.ts';
import { clearZoneTree } from '../../shared/market/clearZoneTree.ts';
import type { Order } from '../../shared/market/order.ts';
import type { Trade } from '../../shared/market/trade.ts';
import type { ZoneNode } from '../../shared/market/zoneTree.ts';
import { autoLimitMicroPerKWh, autoPriceMicroPerKWh } from '../../shared/pricing/dynamicPrice.ts';
import type { CityLearnData } from './cityLearnData.ts';
import type { Scenario } from './scenario.ts';
import { settleHouseholdHour } from './settleHouseholdHour.ts';

/** One household's year. Energy in Wh, money in micro-units (micro-USD), CO2 in grams. */
export interface HouseholdFigures {
  readonly home: string;
  readonly pvWp: number;
  readonly loadWh: number;
  readonly pvWh: number;
  /** PV used behind the meter in the same hour. */
  readonly selfConsumedWh: number;
  /** Traded energy: sold and bought in the market. */
  readonly boughtWh: number;
  readonly soldWh: number;
  /** Sold energy the meter confirmed; bought energy the home really used; bought energy it did not need. */
  readonly deliveredWh: number;
  readonly consumedFromMarketWh: number;
  readonly resoldWh: number;
  /** Imbalance charges and penalties paid for delivery shortfalls (part of the market cost). */
  readonly deviationChargesMicro: number;
  /** Hours in which a shortfall went beyond MAXIMUM_LOCAL_GRID_DEVIATION. */
  readonly penalizedHours: number;
  /** Bought from / sold to the utility with the market. */
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly baselineCostMicro: number;
  readonly marketCostMicro: number;
  /** Grid fees paid on trades (part of the market cost). */
  readonly gridFeesMicro: number;
  readonly tradeCount: number;
  /** Largest hourly utility import, without and with the market. */
  readonly peakImportBaselineWh: number;
  readonly peakImportMarketWh: number;
  /** Grid CO2 avoided by local PV: own use only (baseline), own use plus local purchases used (market). */
  readonly avoidedCo2BaselineG: number;
  readonly avoidedCo2MarketG: number;
  /** MAE of the hourly net-energy forecast (`forecastNextNetWh`) against the actual values. */
  readonly forecastMaeWh: number;
}

/** The community's year: sums of the households, and community-wide peaks. */
export interface CommunityFigures extends Omit<HouseholdFigures, 'home' | 'pvWp' | 'forecastMaeWh'> {
  readonly homes: number;
  readonly hours: number;
  /** Hours with at least one trade. */
  readonly tradingHours: number;
  /** Largest hourly net flow of the whole community from the grid: physics, the same with or without trading. */
  readonly peakNetFlowWh: number;
  /** Energy curtailed by feeder limits. */
  readonly curtailedWh: number;
}

/** Both levels of results. */
export interface SimulationResult {
  readonly households: readonly HouseholdFigures[];
  readonly community: CommunityFigures;
}

/** ⌊wh × price / 1000⌋ for non-negative integers whose product stays below 2^53. */
function microFloor(energyWh: number, priceMicroPerKWh: number): number {
  const product = energyWh * priceMicroPerKWh;
  return (product - (product % 1000)) / 1000;
}

function zoneTreeOf(scenario: Scenario, params: TradingParameters): ZoneNode {
  const perInterval = (watts: number) => Math.floor((watts * params.intervalSeconds) / 3600);
  return {
    id: scenario.substationId,
    level: 'substation',
    children: scenario.feeders.map((feeder) => ({
      id: feeder.id,
      level: 'feeder',
      ...(feeder.limitW === undefined ? {} : { feederLimitWh: perInterval(feeder.limitW) }),
      children: feeder.homes.map((home) => ({ id: home, level: 'house', feederLimitWh: perInterval(scenario.connectionW) })),
    })),
  };
}

/**
 * Runs the scenario over the data with the given parameters (the interval length must match the data: 3600 s).
 */
export function runSimulation(data: CityLearnData, scenario: Scenario, params: TradingParameters): SimulationResult {
  const homes = scenario.feeders.flatMap((feeder) => feeder.homes);
  const tree = zoneTreeOf(scenario, params);
  const feeAllowance = params.gridFeeMicroPerKWh.feeder + params.gridFeeMicroPerKWh.substation;
  const treeOptions = { ...params, rule: scenario.priceRule };
  const n = homes.length;
  const index = new Map(homes.map((home, i) => [home, i]));
  const series = homes.map((home) => data.buildings.get(home)!);
  const pvWp = homes.map((home) => scenario.pvWp.get(home) ?? 0);
  const acc = homes.map(() => ({
    loadWh: 0, pvWh: 0, selfConsumedWh: 0, boughtWh: 0, soldWh: 0, deliveredWh: 0, consumedFromMarketWh: 0,
    resoldWh: 0, deviationChargesMicro: 0, penalizedHours: 0, gridImportWh: 0, gridExportWh: 0, baselineCostMicro: 0, marketCostMicro: 0, gridFeesMicro: 0, tradeCount: 0, peakImportBaselineWh: 0,
    peakImportMarketWh: 0, avoidedCo2BaselineMg: 0, avoidedCo2MarketMg: 0,
  }));
  const netHistory = homes.map(() => new Float64Array(data.hours));
  const forecasts = homes.map(() => new Float64Array(data.hours));
  const community = { peakImportBaselineWh: 0, peakImportMarketWh: 0, peakNetFlowWh: 0, tradingHours: 0, curtailedWh: 0 };
  const sales: Trade[][] = homes.map(() => []);
  const purchases: Trade[][] = homes.map(() => []);

  for (let h = 0; h < data.hours; h += 1) {
    const retail = data.retailMicroPerKWh[h] as number;
    const feedIn = Math.min(scenario.feedInTariffMicroPerKWh, retail);
    const band = { feedInTariffMicroPerKWh: feedIn, retailTariffMicroPerKWh: retail };
    const loads = new Float64Array(n);
    const pvs = new Float64Array(n);
    const sized = [];
    let supplyWh = 0;
    let demandWh = 0;
    for (let i = 0; i < n; i += 1) {
      const s = series[i]!;
      loads[i] = s.loadWh[h] as number;
      pvs[i] = Math.round((s.solarWhPerKWp[h] as number) * (pvWp[i] as number) / 1000);
      const netWh = (pvs[i] as number) - (loads[i] as number);
      forecasts[i]![h] = forecastNextNetWh(netHistory[i]!.subarray(0, h), { intervalsPerDay: 24 });
      netHistory[i]![h] = netWh;
      const standing = scenario.standingOrders.get(homes[i]!)!;
      const orderWh = scenario.orderSizing === 'forecast' ? (forecasts[i]![h] as number) : netWh;
      const order = sizeOrder({ participant: homes[i]!, sell: standing.sell, buy: standing.buy, nameplatePowerW: scenario.connectionW }, orderWh, params.intervalSeconds);
      if (order === null) continue;
      sized.push(order);
      if (order.side === 'sell') supplyWh += order.energyWh;
      else demandWh += order.energyWh;
    }
    const autoPrice = autoPriceMicroPerKWh({
      band, isPeakHour: params.isPeakHour[data.hourOfDay[h] as number] === true,
      peakHourMultiplierBps: params.peakHourMultiplierBps, dynamicPricingSensitivityBps: params.dynamicPricingSensitivityBps,
      supplyWh, demandWh,
    });
    const ordersByZone = new Map<string, Order[]>();
    for (const order of sized) {
      const limit = order.price.kind === 'auto' ? autoLimitMicroPerKWh(order.side, autoPrice, band, feeAllowance) : order.price.priceMicroPerKWh;
      ordersByZone.set(order.participant, [priceSizedOrder({ ...order, price: { kind: 'limit', priceMicroPerKWh: limit } }, `${order.participant}@${h}`, limit)]);
    }
    const result = clearZoneTree(tree, ordersByZone, treeOptions);
    if (result.trades.length > 0) community.tradingHours += 1;
    for (const c of result.curtailed) for (const e of c.entries) community.curtailedWh += e.energyWh;
    for (let i = 0; i < n; i += 1) {
      (sales[i] as Trade[]).length = 0;
      (purchases[i] as Trade[]).length = 0;
    }
    for (const t of result.trades) {
      sales[index.get(t.seller)!]!.push(t);
      purchases[index.get(t.buyer)!]!.push(t);
    }
    const terms = {
      retailTariffMicroPerKWh: retail, feedInTariffMicroPerKWh: feedIn,
      maximumLocalGridDeviationBps: params.maximumLocalGridDeviationBps, deviationPenaltyBps: params.deviationPenaltyBps,
    };
    let importBaseSum = 0;
    let importMarketSum = 0;
    let netFlowSum = 0;
    const carbon = data.carbonMgPerKWh[h] as number;
    for (let i = 0; i < n; i += 1) {
      const a = acc[i]!;
      const load = loads[i] as number;
      const pv = pvs[i] as number;
      const hour = settleHouseholdHour({ loadWh: load, pvWh: pv, sales: sales[i]!, purchases: purchases[i]!, terms });
      const importBase = load - hour.selfConsumedWh;
      a.loadWh += load; a.pvWh += pv; a.selfConsumedWh += hour.selfConsumedWh;
      a.boughtWh += hour.boughtWh; a.soldWh += hour.soldWh; a.deliveredWh += hour.deliveredWh;
      a.consumedFromMarketWh += hour.consumedFromMarketWh; a.resoldWh += hour.resoldWh;
      a.gridImportWh += hour.gridImportWh; a.gridExportWh += hour.gridExportWh;
      a.baselineCostMicro += hour.baselineCostMicro;
      a.marketCostMicro += hour.marketCostMicro;
      a.gridFeesMicro += hour.gridFeesMicro;
      a.deviationChargesMicro += hour.deviationChargesMicro;
      if (hour.isPenalized) a.penalizedHours += 1;
      a.tradeCount += sales[i]!.length + purchases[i]!.length;
      a.peakImportBaselineWh = Math.max(a.peakImportBaselineWh, importBase);
      a.peakImportMarketWh = Math.max(a.peakImportMarketWh, hour.gridImportWh);
      a.avoidedCo2BaselineMg += microFloor(hour.selfConsumedWh, carbon);
      a.avoidedCo2MarketMg += microFloor(hour.selfConsumedWh + hour.consumedFromMarketWh, carbon);
      importBaseSum += importBase;
      importMarketSum += hour.gridImportWh;
      netFlowSum += load - pv;
    }
    community.peakImportBaselineWh = Math.max(community.peakImportBaselineWh, importBaseSum);
    community.peakImportMarketWh = Math.max(community.peakImportMarketWh, importMarketSum);
    community.peakNetFlowWh = Math.max(community.peakNetFlowWh, netFlowSum);
  }

  const households: HouseholdFigures[] = homes.map((home, i) => {
    const { avoidedCo2BaselineMg, avoidedCo2MarketMg, ...a } = acc[i]!;
    return {
      home, pvWp: pvWp[i] as number, ...a,
      avoidedCo2BaselineG: Math.floor(avoidedCo2BaselineMg / 1000), avoidedCo2MarketG: Math.floor(avoidedCo2MarketMg / 1000),
      forecastMaeWh: meanAbsoluteErrorWh(netHistory[i]!, forecasts[i]!),
    };
  });
  const sum = (key: keyof HouseholdFigures) => households.reduce((total, household) => total + (household[key] as number), 0);
  return {
    households,
    community: {
      homes: n, hours: data.hours, tradingHours: community.tradingHours, curtailedWh: community.curtailedWh,
      loadWh: sum('loadWh'), pvWh: sum('pvWh'), selfConsumedWh: sum('selfConsumedWh'), boughtWh: sum('boughtWh'),
      soldWh: sum('soldWh'), deliveredWh: sum('deliveredWh'), consumedFromMarketWh: sum('consumedFromMarketWh'),
      resoldWh: sum('resoldWh'), deviationChargesMicro: sum('deviationChargesMicro'), penalizedHours: sum('penalizedHours'),
      gridImportWh: sum('gridImportWh'), gridExportWh: sum('gridExportWh'),
      baselineCostMicro: sum('baselineCostMicro'), marketCostMicro: sum('marketCostMicro'), gridFeesMicro: sum('gridFeesMicro'),
      tradeCount: sum('tradeCount') / 2,
      peakImportBaselineWh: community.peakImportBaselineWh, peakImportMarketWh: community.peakImportMarketWh,
      peakNetFlowWh: community.peakNetFlowWh,
      avoidedCo2BaselineG: sum('avoidedCo2BaselineG'), avoidedCo2MarketG: sum('avoidedCo2MarketG'),
    },
  };
}
