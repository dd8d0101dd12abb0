import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderBookDepth } from './orderBookDepth.ts';

test('supply accumulates upward in price, demand downward, equal prices merge into one step', () => {
  const depth = orderBookDepth([
    { side: 'sell', energyWh: 500, limitPriceMicroPerKWh: 120_000 },
    { side: 'sell', energyWh: 300, limitPriceMicroPerKWh: 80_000 },
    { side: 'sell', energyWh: 200, limitPriceMicroPerKWh: 120_000 },
    { side: 'buy', energyWh: 400, limitPriceMicroPerKWh: 100_000 },
    { side: 'buy', energyWh: 600, limitPriceMicroPerKWh: 150_000 },
  ]);
  assert.equal(depth.supply, [
    { priceMicroPerKWh: 80_000, cumulativeWh: 300 },
    { priceMicroPerKWh: 120_000, cumulativeWh: 1000 },
  ]);
  assert.equal(depth.demand, [
    { priceMicroPerKWh: 150_000, cumulativeWh: 600 },
    { priceMicroPerKWh: 100_000, cumulativeWh: 1000 },
  ]);
});

test('an empty book has empty curves', () => {
  assert.equal(orderBookDepth([]), { supply: [], demand: [] });
});

test.run();
