import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTradingParameters } from '../../shared/config/tradingParameters.ts';
import { buildIntervalOrders, intervalOrderId, sideHoldsInterval } from './buildIntervalOrders.ts';

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

test('window rule: a side trades only when its window [validFromS, validUntilS) holds the whole interval [startS, endS)', () => {
  const window = { validFromS: T, validUntilS: T + 1800 };
  assert.ok(sideHoldsInterval({ window }, T, T + 900), 'starts exactly at validFromS');
  assert.ok(sideHoldsInterval({ window }, T + 900, T + 1800), 'ends exactly at validUntilS');
  assert.not.ok(sideHoldsInterval({ window }, T - 900, T), 'before the window');
  assert.not.ok(sideHoldsInterval({ window }, T - 1, T + 899), 'starts one second before validFromS');
  assert.not.ok(sideHoldsInterval({ window }, T + 901, T + 1801), 'ends one second after validUntilS');
  assert.not.ok(sideHoldsInterval({ window }, T + 1800, T + 2700), 'after the window (validUntilS is exclusive)');
  assert.ok(sideHoldsInterval({}, 0, 900), 'no window: always valid');

  const seller = (historyNetWh: number[]) => ({
    meter: '0xs',
    standing: { participant: '0xS', sell: auto, nameplatePowerW: 4000 },
    historyNetWh,
    sides: { sell: [{ price: { kind: 'limit', priceMicroPerKWh: 90_000 } as const, window }], buy: [] },
  });
  const sellsIn = (startS: number) => buildIntervalOrders([seller([600])], startS, 900, params).orders.length;
  assert.equal([sellsIn(T - 900), sellsIn(T), sellsIn(T + 900), sellsIn(T + 1800)], [0, 1, 1, 0], 'sells only in the two intervals inside the window');
  assert.is(buildIntervalOrders([seller([600])], T, 900, params).orders[0]!.order.limitPriceMicroPerKWh, 90_000, 'the windowed side replaces the stored one');
});

test('of several choices the newest whose window holds the interval applies, with its own cap; an ended newer one does not hide an older', () => {
  const input = {
    meter: '0xm',
    standing: { participant: '0xM', sell: { kind: 'limit', priceMicroPerKWh: 150_000 } as const, nameplatePowerW: 8000 },
    historyNetWh: [1500, 1500],
    sides: {
      sell: [
        // newest first: a one-hour offer at 0.15, then an older day-long one at 0.10 capped at 2 kW
        { price: { kind: 'limit', priceMicroPerKWh: 150_000 } as const, window: { validFromS: T, validUntilS: T + 3600 }, nameplatePowerW: 8000 },
        { price: { kind: 'limit', priceMicroPerKWh: 100_000 } as const, window: { validFromS: T - 86_400, validUntilS: T + 86_400 }, nameplatePowerW: 2000 },
      ],
      buy: [],
    },
  };
  const inHour = buildIntervalOrders([input], T, 900, params).orders[0]!.order;
  assert.equal([inHour.limitPriceMicroPerKWh, inHour.energyWh], [150_000, 1500], 'the newer offer inside its hour');
  const after = buildIntervalOrders([input], T + 3600, 900, params).orders[0]!.order;
  assert.equal([after.limitPriceMicroPerKWh, after.energyWh], [100_000, 500], 'after it ends the older offer applies again, capped by its 2 kW');
  assert.is(buildIntervalOrders([input], T + 86_400, 900, params).orders.length, 0, 'both ended: no sell order');
});

test.run();
