/**
 * The 'gsy' rule against the pay-as-clear cases reproduced from Grid Singularity's gsy-e tests
 * (`../shared/vectors/pay-as-clear.json`, outside the repository, read in place).
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearOrders, clearZone } from './clearZone.ts';
import { clearingPriceFor } from './clearingPriceRule.ts';
import { bookEntryOf, type Order } from './order.ts';

interface VectorCase { offers: number[]; bids: number[]; rate: number; energy: number }
const vectors = JSON.parse(
  readFileSync(new URL('../../../shared/vectors/pay-as-clear.json', import.meta.url), 'utf8'),
) as { cases: VectorCase[] };

/** A vector rate r (cents per kWh in gsy-e) as micro-units per kWh of a 6-decimal dollar token. */
const microPerRate = 10_000;

test('the gsy rule reproduces every gsy-e pay-as-clear case', () => {
  assert.ok(vectors.cases.length >= 3);
  vectors.cases.forEach((c, caseIndex) => {
    const orders: Order[] = [
      ...c.offers.map((rate, i): Order => ({ id: `o${i}`, participant: `0xs${i}`, side: 'sell', energyWh: 1000, limitPriceMicroPerKWh: rate * microPerRate })),
      ...c.bids.map((rate, i): Order => ({ id: `b${i}`, participant: `0xb${i}`, side: 'buy', energyWh: 1000, limitPriceMicroPerKWh: rate * microPerRate })),
    ];
    const result = clearZone(orders.map(bookEntryOf), { zoneId: 'z', rule: 'gsy', minimumTradeThresholdWh: 500 });
    assert.is(result.clearingPriceMicroPerKWh, c.rate * microPerRate, `case ${caseIndex} rate`);
    assert.is(result.clearedWh, c.energy * 1000, `case ${caseIndex} energy`);
    for (const trade of result.trades) assert.is(trade.priceMicroPerKWh, c.rate * microPerRate);
    // The path of the relay and the `clear` command gives the same clearing.
    assert.equal(clearOrders(orders, { zoneId: 'z', rule: 'gsy', minimumTradeThresholdWh: 500 }), result, `case ${caseIndex} clearOrders`);
  });
});

test('the default rule takes the midpoint of the marginal limits, rounded down', () => {
  assert.is(clearingPriceFor('default', 100_000, 201_001), 150_500);
  assert.is(clearingPriceFor('default', 7, 7), 7);
  assert.is(clearingPriceFor('gsy', 100_000, 201_001), 201_001);
});

test.run();
