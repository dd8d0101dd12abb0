/**
 * A year of hourly market intervals over measured household data: each hour every home's net position becomes
 * one order (sized on the hour's actual net energy: a perfect forecast, the market's upper bound), "auto" orders
 * are priced from the community's imbalance, the zone tree clears, and each household's bill is compared with
 * the no-trading baseline (retail to buy, feed-in tariff to sell). Pure computation over loaded data.
 */
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import { forecastNextNetWh, meanAbsoluteErrorWh } from '../../shared/forecast/forecastNetWh.ts';
import { priceSizedOrder, sizeOrder } from '../../shared/forecast/sizeOrder.ts';
import { clearZoneTree } from '../../shared/market/clearZoneTree.ts';
import type { Order } from '../../shared/market/order.ts';
import type { ZoneNode } from '../../shared/market/zoneTree.ts';
import { autoLimitMicroPerKWh, autoPriceMicroPerKWh } from '../../shared/pricing/dynamicPrice.ts';
import type { CityLearnData } from './cityLearnData.ts';
import type { Scenario } from './scenario.ts';

/** One household's year. Energy in Wh, money in micro-units (micro-USD), CO2 in grams. */
export interface HouseholdFigures {
  readonly home: string;
  readonly pvWp: number;
  readonly loadWh: number;
  readonly pvWh: number;
  /** PV used behind the meter in the same hour. */
  readonly selfConsumedWh: number;
  readonly boughtWh: number;
  readonly soldWh: number;
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
  /** Grid CO2 avoided by local PV: own use only (baseline), own use plus local purchases (market). */
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
    loadWh: 0, pvWh: 0, selfConsumedWh: 0, boughtWh: 0, soldWh: 0, gridImportWh: 0, gridExportWh: 0,
    baselineCostMicro: 0, marketCostMicro: 0, gridFeesMicro: 0, tradeCount: 0, peakImportBaselineWh: 0,
    peakImportMarketWh: 0, avoidedCo2BaselineMg: 0, avoidedCo2MarketMg: 0,
  }));
  const netHistory = homes.map(() => new Float64Array(data.hours));
  const forecasts = homes.map(() => new Float64Array(data.hours));
  const community = { peakImportBaselineWh: 0, peakImportMarketWh: 0, peakNetFlowWh: 0, tradingHours: 0, curtailedWh: 0 };
  const boughtWh = new Float64Array(n);
  const soldWh = new Float64Array(n);
  const paidMicro = new Float64Array(n);
  const feesMicro = new Float64Array(n);
  const trades = new Float64Array(n);

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
      const order = sizeOrder({ participant: homes[i]!, sell: standing.sell, buy: standing.buy, nameplatePowerW: scenario.connectionW }, netWh, params.intervalSeconds);
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
    boughtWh.fill(0); soldWh.fill(0); paidMicro.fill(0); feesMicro.fill(0); trades.fill(0);
    for (const t of result.trades) {
      const s = index.get(t.seller)!;
      const b = index.get(t.buyer)!;
      soldWh[s] = (soldWh[s] as number) + t.energyWh;
      boughtWh[b] = (boughtWh[b] as number) + t.energyWh;
      paidMicro[b] = (paidMicro[b] as number) + Number(t.amountMicro + t.buyerFeeMicro);
      paidMicro[s] = (paidMicro[s] as number) - Number(t.amountMicro - t.sellerFeeMicro);
      feesMicro[b] = (feesMicro[b] as number) + Number(t.buyerFeeMicro);
      feesMicro[s] = (feesMicro[s] as number) + Number(t.sellerFeeMicro);
      trades[s] = (trades[s] as number) + 1;
      trades[b] = (trades[b] as number) + 1;
    }
    let importBaseSum = 0;
    let importMarketSum = 0;
    let netFlowSum = 0;
    const carbon = data.carbonMgPerKWh[h] as number;
    for (let i = 0; i < n; i += 1) {
      const a = acc[i]!;
      const load = loads[i] as number;
      const pv = pvs[i] as number;
      const self = Math.min(load, pv);
      const importBase = load - self;
      const exportBase = pv - self;
      const gridImport = importBase - (boughtWh[i] as number);
      const gridExport = exportBase - (soldWh[i] as number);
      a.loadWh += load; a.pvWh += pv; a.selfConsumedWh += self;
      a.boughtWh += boughtWh[i] as number; a.soldWh += soldWh[i] as number;
      a.gridImportWh += gridImport; a.gridExportWh += gridExport;
      a.baselineCostMicro += microFloor(importBase, retail) - microFloor(exportBase, feedIn);
      a.marketCostMicro += microFloor(gridImport, retail) - microFloor(gridExport, feedIn) + (paidMicro[i] as number);
      a.gridFeesMicro += feesMicro[i] as number;
      a.tradeCount += trades[i] as number;
      a.peakImportBaselineWh = Math.max(a.peakImportBaselineWh, importBase);
      a.peakImportMarketWh = Math.max(a.peakImportMarketWh, gridImport);
      a.avoidedCo2BaselineMg += microFloor(self, carbon);
      a.avoidedCo2MarketMg += microFloor(self + (boughtWh[i] as number), carbon);
      importBaseSum += importBase;
      importMarketSum += gridImport;
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
      soldWh: sum('soldWh'), gridImportWh: sum('gridImportWh'), gridExportWh: sum('gridExportWh'),
      baselineCostMicro: sum('baselineCostMicro'), marketCostMicro: sum('marketCostMicro'), gridFeesMicro: sum('gridFeesMicro'),
      tradeCount: sum('tradeCount') / 2,
      peakImportBaselineWh: community.peakImportBaselineWh, peakImportMarketWh: community.peakImportMarketWh,
      peakNetFlowWh: community.peakNetFlowWh,
      avoidedCo2BaselineG: sum('avoidedCo2BaselineG'), avoidedCo2MarketG: sum('avoidedCo2MarketG'),
    },
  };
}
