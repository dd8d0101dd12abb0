/**
 * The human-readable table printed by `peer-energy-trader simulate`. Figures stay integers until this point;
 * the shares and money shown here are only for display (`--json` prints the integers).
 */
import type { CommunityFigures, HouseholdFigures, SimulationResult } from './runSimulation.ts';

const kWh = (wh: number) => (wh / 1000).toFixed(0);
const usd = (micro: number) => (micro / 1_000_000).toFixed(2);
const share = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

type Row = Pick<HouseholdFigures, 'loadWh' | 'pvWh' | 'selfConsumedWh' | 'boughtWh' | 'soldWh' | 'deliveredWh' | 'consumedFromMarketWh' | 'baselineCostMicro' | 'marketCostMicro' | 'peakImportBaselineWh' | 'peakImportMarketWh' | 'avoidedCo2BaselineG' | 'avoidedCo2MarketG'>;

function cells(name: string, r: Row, extra: string): string[] {
  return [
    name, kWh(r.loadWh), kWh(r.pvWh), kWh(r.soldWh), kWh(r.boughtWh), usd(r.baselineCostMicro), usd(r.marketCostMicro),
    share(r.baselineCostMicro - r.marketCostMicro, Math.abs(r.baselineCostMicro)),
    `${share(r.selfConsumedWh, r.pvWh)} → ${share(r.selfConsumedWh + r.deliveredWh, r.pvWh)}`,
    `${share(r.selfConsumedWh, r.loadWh)} → ${share(r.selfConsumedWh + r.consumedFromMarketWh, r.loadWh)}`,
    `${kWh(r.peakImportBaselineWh)} → ${kWh(r.peakImportMarketWh)}`,
    `${(r.avoidedCo2BaselineG / 1000).toFixed(0)} → ${(r.avoidedCo2MarketG / 1000).toFixed(0)}`,
    extra,
  ];
}

/** The report as text. */
export function formatSimulationReport(name: string, result: SimulationResult, elapsedMs: number): string {
  const c: CommunityFigures = result.community;
  const header = ['home', 'load kWh', 'PV kWh', 'sold kWh', 'bought kWh', 'baseline $', 'market $', 'saving',
    'self-consumption', 'self-sufficiency', 'peak import kWh/h', 'avoided CO2 kg', 'forecast MAE Wh'];
  const rows = [header, ...result.households.map((h) => cells(h.home, h, String(h.forecastMaeWh))), cells('community', c, '')];
  const widths = header.map((_, col) => Math.max(...rows.map((row) => (row[col] as string).length)));
  const lines = rows.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] as number) : cell.padStart(widths[col] as number))).join('  '));
  return [
    `scenario: ${name}`,
    `${c.homes} homes, ${c.hours} hourly intervals, ${c.tradingHours} hours with trades, ${c.tradeCount} trades, simulated in ${elapsedMs} ms`,
    '(baseline = no trading: retail to buy, feed-in tariff to sell; "a → b" = baseline → with the market)',
    '',
    ...lines,
    '',
    `grid fees paid on trades: $${usd(c.gridFeesMicro)}; energy curtailed by feeder limits: ${kWh(c.curtailedWh)} kWh`,
    `delivery deviations: ${kWh(c.soldWh - c.deliveredWh)} kWh sold but not exported, ${kWh(c.resoldWh)} kWh bought but not ` +
      `needed (resold at feed-in); imbalance charges and penalties $${usd(c.deviationChargesMicro)}, ` +
      `${c.penalizedHours} seller-hours beyond the allowed deviation`,
    `community peak hourly utility import: ${kWh(c.peakImportBaselineWh)} → ${kWh(c.peakImportMarketWh)} kWh; ` +
      `physical peak net flow at the substation (unchanged by trading): ${kWh(c.peakNetFlowWh)} kWh`,
    '',
  ].join('\n');
}
