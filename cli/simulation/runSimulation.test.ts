/**
 * Runs the real `simulate` command on the shared CityLearn data (outside the repository, read in place) with the
 * example scenarios — orders sized on actual energy and on the forecast — and checks that the figures are
 * internally consistent. No result is hard-coded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommunityFigures, HouseholdFigures } from './runSimulation.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fileURLToPath(new URL('../../../shared/data/citylearn-2022', import.meta.url));

interface Output { households: HouseholdFigures[]; community: CommunityFigures }

function simulate(scenario: string): Output {
  const child = spawnSync(process.execPath, ['bin/peer-energy-trader.js', 'simulate', '--data', dataDir, '--scenario', scenario, '--json'], {
    cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  assert.is(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Output;
}

const actual = simulate('cli/simulation/example-scenario.json');
const forecast = simulate('cli/simulation/example-forecast-scenario.json');

test('the command reports every home of the scenario for the whole year', () => {
  for (const out of [actual, forecast]) {
    assert.is(out.households.length, 12);
    assert.is(out.community.hours, 8760);
  }
});

test('energy balances close for every household and for the community', () => {
  for (const { households, community } of [actual, forecast]) {
    for (const h of households) {
      assert.is(h.selfConsumedWh + h.consumedFromMarketWh + h.gridImportWh, h.loadWh, `${h.home} load balance`);
      assert.is(h.selfConsumedWh + h.deliveredWh + h.gridExportWh, h.pvWh, `${h.home} PV balance`);
      assert.is(h.consumedFromMarketWh + h.resoldWh, h.boughtWh, `${h.home} purchases`);
      assert.ok(h.deliveredWh <= h.soldWh && h.gridImportWh >= 0 && h.gridExportWh >= 0);
      if (h.pvWp === 0) assert.is(h.soldWh, 0, `${h.home} has no PV to sell`);
    }
    assert.is(community.soldWh, community.boughtWh, 'sold = bought');
    assert.ok(community.soldWh > 0, 'the market traded');
    assert.is(community.loadWh, households.reduce((s, h) => s + h.loadWh, 0));
    assert.is(community.marketCostMicro, households.reduce((s, h) => s + h.marketCostMicro, 0));
  }
});

test('with orders sized on actual energy nobody pays more than without the market', () => {
  const { households, community } = actual;
  for (const h of households) {
    // Rounding: at most one micro-unit per trade (amounts are rounded down per trade).
    assert.ok(h.marketCostMicro <= h.baselineCostMicro + h.tradeCount, `${h.home}: ${h.marketCostMicro} > ${h.baselineCostMicro}`);
    assert.is(h.deliveredWh, h.soldWh);
    assert.is(h.resoldWh, 0);
    assert.is(h.penalizedHours, 0);
  }
  assert.ok(community.marketCostMicro < community.baselineCostMicro);
});

test('with forecast-sized orders, deviations are settled and charged to those who deviated', () => {
  const { community } = forecast;
  assert.ok(community.soldWh > community.deliveredWh, 'some sold energy was not exported');
  assert.ok(community.deviationChargesMicro > 0);
  assert.ok(community.penalizedHours > 0);
  assert.ok(community.marketCostMicro - community.deviationChargesMicro < community.baselineCostMicro);
});

test('peaks, self-consumption and avoided CO2 move the way local trading allows', () => {
  for (const { households, community } of [actual, forecast]) {
    for (const h of households) {
      assert.ok(h.peakImportMarketWh <= h.peakImportBaselineWh, `${h.home} peak`);
      assert.ok(h.avoidedCo2MarketG >= h.avoidedCo2BaselineG, `${h.home} CO2`);
      assert.ok(h.forecastMaeWh > 0, `${h.home} forecast MAE`);
    }
    assert.ok(community.peakImportMarketWh <= community.peakImportBaselineWh);
    assert.ok(community.peakNetFlowWh <= community.peakImportBaselineWh, 'net flow ≤ gross import');
  }
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
