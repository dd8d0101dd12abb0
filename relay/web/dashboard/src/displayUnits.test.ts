import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAmountMicro, formatEnergyWh, formatPowerAxisW, formatPowerW, formatPriceMicroPerKWh, formatShare } from './displayUnits.ts';
import { centsPerKWhToMicro } from './standingOrderForm.ts';

test('power and energy switch to k and M prefixes and keep their sign', () => {
  assert.is(formatPowerW(640), '640 W');
  assert.is(formatPowerW(1234), '1.23 kW');
  assert.is(formatPowerW(-2500), '-2.50 kW');
  assert.is(formatPowerAxisW(-5000), '−5 kW');
  assert.is(formatPowerAxisW(2500), '2.5 kW');
  assert.is(formatEnergyWh(800), '800 Wh');
  assert.is(formatEnergyWh(12_345), '12.3 kWh');
  assert.is(formatEnergyWh(2_500_000), '2.50 MWh');
});

test('prices read in cents per kWh; amounts round half up to cents from bigint micro-units', () => {
  assert.is(formatPriceMicroPerKWh(124_000), '12.4 ¢/kWh');
  assert.is(formatAmountMicro(1_234_999n), '1.23');
  assert.is(formatAmountMicro(1_235_000n), '1.24');
  assert.is(formatAmountMicro('-500000'), '−0.50');
  assert.is(formatAmountMicro(123_456_789_000n), '123,456.79');
});

test('a share with nothing to divide by reads as a dash, not 0 %', () => {
  assert.is(formatShare(0.423), '42 %');
  assert.is(formatShare(undefined), '—');
});

test('typed prices in cents become integer micro-units; empty or "auto" means auto; anything else is refused', () => {
  assert.is(centsPerKWhToMicro('12.5'), 125_000);
  assert.is(centsPerKWhToMicro(' 8 '), 80_000);
  assert.is(centsPerKWhToMicro(''), null);
  assert.is(centsPerKWhToMicro('Auto'), null);
  assert.is(centsPerKWhToMicro('-3'), 'invalid');
  assert.is(centsPerKWhToMicro('1.234'), 'invalid');
  assert.is(centsPerKWhToMicro('1e3'), 'invalid');
});

test.run();
