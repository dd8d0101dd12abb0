import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeCommunityFigures, energyFromPowerSeries } from './communityFigures.ts';

test('self-sufficiency is locally usable production over consumption, capped at 100 %', () => {
  assert.is(computeCommunityFigures({ productionWh: 300, consumptionWh: 1200, tradedWh: undefined }).selfSufficiency, 0.25);
  assert.is(computeCommunityFigures({ productionWh: 5000, consumptionWh: 1200, tradedWh: undefined }).selfSufficiency, 1);
});

test('with no consumption or no market, the shares are undefined rather than 0', () => {
  const idle = computeCommunityFigures({ productionWh: 0, consumptionWh: 0, tradedWh: 0 });
  assert.is(idle.selfSufficiency, undefined);
  assert.is(idle.localShare, undefined);
  assert.is(computeCommunityFigures({ productionWh: 10, consumptionWh: 100, tradedWh: undefined }).localShare, undefined);
  assert.is(computeCommunityFigures({ productionWh: 10, consumptionWh: 100, tradedWh: 40 }).localShare, 0.4);
});

test('CO₂ avoided is locally used production times the carbon intensity, rounded down', () => {
  // 1 500 Wh used locally × 250 g/kWh = 375 g
  assert.is(computeCommunityFigures({ productionWh: 1500, consumptionWh: 4000, tradedWh: undefined }, 250).co2AvoidedGrams, 375);
  assert.is(computeCommunityFigures({ productionWh: 3, consumptionWh: 4000, tradedWh: undefined }, 250).co2AvoidedGrams, 0);
});

test('energy of a power series holds each value until the next point, but not across a gap', () => {
  // 3 600 W for 10 s = 10 Wh; then 7 200 W held at most 60 s of a 1-hour gap = 120 Wh
  assert.is(energyFromPowerSeries([0, 10, 3610], [3600, 7200, 100], 60), 130);
  assert.is(energyFromPowerSeries([0, 10, 20], [null, 3600, 0], 60), 10, 'missing data is not zero, and not energy');
  assert.is(energyFromPowerSeries([5], [1000], 60), 0);
});

test.run();
