import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTradingParameters } from '../../shared/config/tradingParameters.ts';
import { buildIntervalOrders, intervalOrderId } from './buildIntervalOrders.ts';

const auto = { kind: 'auto' } as const;
const params = defaultTradingParameters;
const T = 10 * 3600; // 10:00 UTC, off-peak

test('surplus becomes a sell order, need a buy order, both capped by nameplate; auto limits sit at the auto price', () => {
  const book = buildIntervalOrders(
    [
      { meter: '0xp', standing: { participant: '0xP', sell: auto, buy: auto, nameplatePowerW: 2000 }, historyNetWh: [900, 900] },
      { meter: '0xc', standing: { participant: '0xC', sell: auto, buy: auto, nameplatePowerW: 4000 }, historyNetWh: [-300, -300] },
    ],
    T,
    900,
    params,
  );
  const sell = book.orders.find((o) => o.order.side === 'sell')!;
  const buy = book.orders.find((o) => o.order.side === 'buy')!;
  assert.is(sell.order.energyWh, 500, '2 kW × 15 min caps the 900 Wh forecast');
  assert.is(sell.forecastNetWh, 900);
  assert.is(buy.order.energyWh, 300);
  assert.is(sell.order.id, intervalOrderId(T, '0xp'));
  assert.is(book.supplyWh, 500);
  assert.is(book.demandWh, 300);
  assert.is(sell.order.limitPriceMicroPerKWh, book.autoPriceMicroPerKWh);
  assert.is(buy.order.limitPriceMicroPerKWh, book.autoPriceMicroPerKWh);
  assert.ok(book.autoPriceMicroPerKWh >= params.feedInTariffMicroPerKWh && book.autoPriceMicroPerKWh <= params.retailTariffMicroPerKWh);
});

test('a fixed limit is kept; no history or a side without a standing price gives no order', () => {
  const book = buildIntervalOrders(
    [
      { meter: '0xa', standing: { participant: '0xA', sell: { kind: 'limit', priceMicroPerKWh: 120_000 }, nameplatePowerW: 5000 }, historyNetWh: [400] },
      { meter: '0xb', standing: { participant: '0xB', sell: auto, nameplatePowerW: 5000 }, historyNetWh: [-400] },
      { meter: '0xn', standing: { participant: '0xN', sell: auto, buy: auto, nameplatePowerW: 5000 }, historyNetWh: [] },
    ],
    T,
    900,
    params,
  );
  assert.is(book.orders.length, 1);
  assert.is(book.orders[0]!.order.limitPriceMicroPerKWh, 120_000);
});

test.run();
