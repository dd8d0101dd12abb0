import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTradingParameters as params } from '../config/tradingParameters.ts';
import { autoLimitMicroPerKWh, autoPriceMicroPerKWh, imbalanceBps, referencePriceMicroPerKWh, type TariffBand } from './dynamicPrice.ts';

const band: TariffBand = { feedInTariffMicroPerKWh: 50_000, retailTariffMicroPerKWh: 300_000 };
const auto = (supplyWh: number, demandWh: number, isPeakHour = false) => autoPriceMicroPerKWh({
  band, isPeakHour, supplyWh, demandWh,
  peakHourMultiplierBps: params.peakHourMultiplierBps, dynamicPricingSensitivityBps: params.dynamicPricingSensitivityBps,
});

test('the reference is the middle of the band, stretched by the peak multiplier in peak hours', () => {
  assert.is(referencePriceMicroPerKWh(band, false, 15_000), 175_000);
  assert.is(referencePriceMicroPerKWh(band, true, 15_000), 237_500); // 50 000 + 250 000 × 1.5 / 2
  assert.is(referencePriceMicroPerKWh(band, true, 30_000), 300_000); // capped at retail
  assert.is(referencePriceMicroPerKWh(band, true, 10_000), 175_000); // multiplier 1 changes nothing
});

test('imbalance is (demand − supply) / (demand + supply) in bps, truncated', () => {
  assert.is(imbalanceBps(1000, 3000), 5000);
  assert.is(imbalanceBps(3000, 1000), -5000);
  assert.is(imbalanceBps(0, 0), 0);
  assert.is(imbalanceBps(1, 2), 3333);
  assert.is(imbalanceBps(2, 1), -3333);
});

test('DYNAMIC_PRICING_SENSITIVITY 0.02: each point of imbalance moves the auto price 2 % of the reference', () => {
  assert.is(auto(5000, 5000), 175_000);
  assert.is(auto(4500, 5500), 210_000); // +10 points → +20 %
  assert.is(auto(5500, 4500), 140_000); // −10 points → −20 %
  assert.is(auto(4500, 5500, true), 285_000); // 237 500 × 1.2
  assert.is(auto(0, 5000), 300_000); // clamped at retail
  assert.is(auto(5000, 0), 50_000); // clamped at feed-in
});

test('property: the auto price stays in the band and rises with demand', () => {
  fc.assert(fc.property(fc.nat(1e9), fc.nat(1e9), fc.nat(1e6), fc.boolean(), (supply, demand, extra, isPeak) => {
    const price = auto(supply, demand, isPeak);
    assert.ok(price >= band.feedInTariffMicroPerKWh && price <= band.retailTariffMicroPerKWh);
    assert.ok(auto(supply, demand + extra, isPeak) >= price);
  }), { numRuns: 300 });
});

test('auto limits leave room for the grid fees and stay in the band', () => {
  assert.is(autoLimitMicroPerKWh('sell', 175_000, band, 30_000), 145_000);
  assert.is(autoLimitMicroPerKWh('buy', 175_000, band, 30_000), 205_000);
  assert.is(autoLimitMicroPerKWh('sell', 60_000, band, 30_000), 50_000);
  assert.is(autoLimitMicroPerKWh('buy', 290_000, band, 30_000), 300_000);
});

test.run();
