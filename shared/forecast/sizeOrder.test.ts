import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nameplateCapWh, priceSizedOrder, sizeOrder, type StandingOrder } from './sizeOrder.ts';

const standing: StandingOrder = {
  participant: '0xA', sell: { kind: 'limit', priceMicroPerKWh: 90_000 }, buy: { kind: 'auto' }, nameplatePowerW: 4000,
};

test('a surplus forecast becomes a sell order at the standing minimum price', () => {
  const sized = sizeOrder(standing, 1200, 900);
  assert.equal(sized, { participant: '0xA', side: 'sell', energyWh: 1000, price: { kind: 'limit', priceMicroPerKWh: 90_000 } });
  assert.is(nameplateCapWh(4000, 900), 1000);
  assert.equal(priceSizedOrder(sized!, 'i1', 150_000).limitPriceMicroPerKWh, 90_000);
});

test('a need forecast becomes a buy order; "auto" takes the zone price', () => {
  const sized = sizeOrder(standing, -700, 3600);
  assert.is(sized?.side, 'buy');
  assert.is(sized?.energyWh, 700);
  assert.is(priceSizedOrder(sized!, 'i2', 150_000).limitPriceMicroPerKWh, 150_000);
});

test('no order without a standing side or without energy', () => {
  assert.is(sizeOrder({ participant: '0xB', buy: { kind: 'auto' }, nameplatePowerW: 5000 }, 800, 3600), null);
  assert.is(sizeOrder(standing, 0, 3600), null);
});

test.run();
