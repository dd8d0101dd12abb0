/**
 * Runs the real `simulate` command on the shared CityLearn data (outside the repository, read in place) with the
 * example scenario, and checks that its figures are internally consistent. No result is hard-coded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommunityFigures, HouseholdFigures } from './runSimulation.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fileURLToPath(new URL('../../../shared/data/citylearn-2022', import.meta.url));

const child = spawnSync(process.execPath, ['bin/peer-energy-trader.js', 'simulate', '--data', dataDir, '--scenario', 'cli/simulation/example-scenario.json', '--json'], {
  cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
});

test('the command succeeds and reports every home of the scenario', () => {
  assert.is(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout) as { households: HouseholdFigures[]; community: CommunityFigures };
  assert.is(out.households.length, 12);
  assert.is(out.community.hours, 8760);
});

test('energy balances close for every household and for the community', () => {
  const { households, community } = JSON.parse(child.stdout) as { households: HouseholdFigures[]; community: CommunityFigures };
  for (const h of households) {
    assert.is(h.selfConsumedWh + h.boughtWh + h.gridImportWh, h.loadWh, `${h.home} load balance`);
    assert.is(h.selfConsumedWh + h.soldWh + h.gridExportWh, h.pvWh, `${h.home} PV balance`);
    assert.ok(h.gridImportWh >= 0 && h.gridExportWh >= 0);
    if (h.pvWp === 0) assert.is(h.soldWh, 0, `${h.home} has no PV to sell`);
  }
  assert.is(community.soldWh, community.boughtWh, 'sold = bought');
  assert.ok(community.soldWh > 0, 'the market traded');
  assert.is(community.loadWh, households.reduce((s, h) => s + h.loadWh, 0));
});

test('nobody pays more than without the market, beyond a micro-unit of rounding per trade', () => {
  const { households, community } = JSON.parse(child.stdout) as { households: HouseholdFigures[]; community: CommunityFigures };
  for (const h of households) {
    assert.ok(h.marketCostMicro <= h.baselineCostMicro + h.tradeCount, `${h.home}: ${h.marketCostMicro} > ${h.baselineCostMicro}`);
  }
  assert.ok(community.marketCostMicro < community.baselineCostMicro);
  assert.is(community.marketCostMicro, households.reduce((s, h) => s + h.marketCostMicro, 0));
});

test('peaks, self-consumption and avoided CO2 move the way local trading allows', () => {
  const { households, community } = JSON.parse(child.stdout) as { households: HouseholdFigures[]; community: CommunityFigures };
  for (const h of households) {
    assert.ok(h.peakImportMarketWh <= h.peakImportBaselineWh, `${h.home} peak`);
    assert.ok(h.avoidedCo2MarketG >= h.avoidedCo2BaselineG, `${h.home} CO2`);
    assert.ok(h.forecastMaeWh > 0, `${h.home} forecast MAE`);
  }
  assert.ok(community.peakImportMarketWh <= community.peakImportBaselineWh);
  assert.ok(community.peakNetFlowWh <= community.peakImportBaselineWh, 'net flow ≤ gross import');
  assert.ok(community.selfConsumedWh + community.soldWh <= community.pvWh);
});

test('bad options or files exit 2 with a specific message', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['bin/peer-energy-trader.js', 'simulate', ...args], { cwd: repoRoot, encoding: 'utf8' });
  const missing = run(['--data', dataDir]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /missing_option: expected --data DIR and --scenario FILE/);
  const noFile = run(['--data', dataDir, '--scenario', 'no-such-scenario.json']);
  assert.is(noFile.status, 2);
  assert.match(noFile.stderr, /bad_scenario: no-such-scenario\.json: expected a readable JSON file/);
  const noData = run(['--data', repoRoot, '--scenario', 'cli/simulation/example-scenario.json']);
  assert.is(noData.status, 2);
  assert.match(noData.stderr, /missing_file: expected a readable file .*pricing\.csv/);
});

test.run();
