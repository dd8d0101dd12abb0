import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario, ScenarioError } from './scenario.ts';

const example = JSON.parse(readFileSync(new URL('./example-scenario.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('the example scenario parses', () => {
  const scenario = parseScenario(example);
  assert.is(scenario.feeders.length, 2);
  assert.is(scenario.orderSizing, 'actual');
  assert.is(scenario.feedInTariffMicroPerKWh, 50_000);
  assert.is(scenario.pvWp.get('Building_4'), 5000);
  assert.equal(scenario.standingOrders.get('Building_4')?.sell, { kind: 'limit', priceMicroPerKWh: 100_000 });
  assert.equal(scenario.standingOrders.get('Building_3'), { sell: { kind: 'auto' }, buy: { kind: 'auto' } });
});

test('bad scenarios name the field that is wrong', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...example, feedInTariffPerKWh: 0.05 }, 'feedInTariffPerKWh'],
    [{ ...example, priceRule: 'cheapest' }, 'priceRule'],
    [{ ...example, orderSizing: 'guess' }, 'orderSizing'],
    [{ ...example, feeders: [] }, 'feeders'],
    [{ ...example, feeders: [{ id: 'f', homes: ['Building_1', 'Building_1'] }] }, 'feeders[0].homes[1]'],
    [{ ...example, pvKWp: { Building_99: 4 } }, 'pvKWp.Building_99'],
    [{ ...example, standingOrders: { Building_1: { sell: 'cheap' } } }, 'standingOrders.Building_1.sell'],
  ];
  for (const [input, path] of cases) {
    try {
      parseScenario(input);
      assert.unreachable(path);
    } catch (error) {
      assert.instance(error, ScenarioError);
      assert.is((error as ScenarioError).path, path);
    }
  }
});

test.run();
