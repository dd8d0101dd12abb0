import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { settleDelivery, type DeliveryTerms } from './settleDelivery.ts';
import { amountMicroFloor } from './tradeAmount.ts';
import type { Trade } from './trade.ts';

const terms: DeliveryTerms = { retailTariffMicroPerKWh: 300_000, feedInTariffMicroPerKWh: 50_000, maximumLocalGridDeviationBps: 1000, deviationPenaltyBps: 5000 };
const trade = (buyOrderId: string, energyWh: number, priceMicroPerKWh: number): Trade => ({
  zoneId: 'z', sellOrderId: 's', buyOrderId, seller: '0xS', buyer: `0x${buyOrderId}`, energyWh, priceMicroPerKWh,
  amountMicro: amountMicroFloor(energyWh, priceMicroPerKWh), sellerFeeMicroPerKWh: 0, buyerFeeMicroPerKWh: 0, sellerFeeMicro: 0n, buyerFeeMicro: 0n,
});

test('full delivery is paid in full; extra export goes to feed-in', () => {
  const s = settleDelivery([trade('a', 1000, 150_000)], 1200, terms);
  assert.is(s.paidMicro, 150_000n);
  assert.is(s.surplusWh, 200);
  assert.is(s.feedInMicro, 10_000n);
  assert.is(s.isPenalized, false);
  assert.is(s.netMicro, 160_000n);
});

test('a shortfall within 10 % is charged the retail gap, without penalty', () => {
  const s = settleDelivery([trade('a', 1000, 150_000)], 950, terms);
  assert.is(s.deliveredWh, 950);
  assert.is(s.paidMicro, 142_500n);
  assert.is(s.imbalanceChargeMicro, 7_500n); // 50 Wh × (300 000 − 150 000) / 1000
  assert.is(s.isPenalized, false);
  assert.is(s.netMicro, 135_000n);
});

test('a shortfall beyond 10 % adds a recorded penalty on the excess', () => {
  const s = settleDelivery([trade('a', 600, 150_000), trade('b', 400, 150_000)], 800, terms);
  assert.equal(s.trades.map((t) => t.deliveredWh), [480, 320]);
  assert.is(s.shortfallWh, 200);
  assert.is(s.excessDeviationWh, 100);
  assert.is(s.isPenalized, true);
  assert.is(s.penaltyMicro, 15_000n); // 100 Wh × 300 000 × 0.5 / 1000
  assert.is(s.netMicro, 120_000n - 30_000n - 15_000n);
});

test('property: delivered shares sum to min(traded, metered) and never exceed a trade', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 500, max: 5000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 40_000 }),
    (energies, meteredWh) => {
      const s = settleDelivery(energies.map((e, i) => trade(`t${i}`, e, 120_000)), meteredWh, terms);
      const traded = energies.reduce((a, b) => a + b, 0);
      assert.is(s.trades.reduce((sum, t) => sum + t.deliveredWh, 0), Math.min(traded, meteredWh));
      s.trades.forEach((t) => assert.ok(t.deliveredWh <= t.trade.energyWh && t.deliveredWh >= 0));
      assert.is(s.deliveredWh + s.shortfallWh, traded);
    },
  ), { numRuns: 200 });
});

test.run();
