import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MarketError } from './marketError.ts';
import { parseOrders } from './parseOrders.ts';

const good = { id: 'a', participant: '0xA', side: 'sell', energyWh: 1000, limitPriceMicroPerKWh: 120_000 };

test('accepts valid orders as typed values', () => {
  assert.equal(parseOrders([good]), [good]);
  assert.equal(parseOrders([]), []);
});

test('refuses each kind of bad order with a stable code and the field path', () => {
  const cases: Array<[unknown, MarketError['code'], string]> = [
    [{}, 'not_array', 'orders'],
    [[5], 'wrong_type', 'orders[0]'],
    [[{ ...good, id: undefined }], 'missing_field', 'orders[0].id'],
    [[{ ...good, id: '' }], 'wrong_type', 'orders[0].id'],
    [[{ ...good, extra: 1 }], 'unknown_field', 'orders[0]'],
    [[{ ...good, side: 'hold' }], 'bad_side', 'orders[0].side'],
    [[{ ...good, energyWh: '1000' }], 'wrong_type', 'orders[0].energyWh'],
    [[{ ...good, energyWh: 0 }], 'out_of_range', 'orders[0].energyWh'],
    [[{ ...good, energyWh: 10.5 }], 'not_integer', 'orders[0].energyWh'],
    [[{ ...good, limitPriceMicroPerKWh: -1 }], 'out_of_range', 'orders[0].limitPriceMicroPerKWh'],
    [[{ ...good, limitPriceMicroPerKWh: 1e10 }], 'out_of_range', 'orders[0].limitPriceMicroPerKWh'],
    [[good, { ...good, side: 'buy' }], 'duplicate_order_id', 'orders[1].id'],
  ];
  for (const [input, code, path] of cases) {
    try {
      parseOrders(input);
      assert.unreachable(JSON.stringify(input));
    } catch (error) {
      assert.instance(error, MarketError);
      assert.is((error as MarketError).code, code, JSON.stringify(input));
      assert.is((error as MarketError).path, path);
      assert.match((error as MarketError).message, /expected/);
    }
  }
});

test.run();
