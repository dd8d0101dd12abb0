import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forecastNextNetWh, meanAbsoluteErrorWh } from './forecastNetWh.ts';

test('blends the same-time average of past days with the last interval', () => {
  // 4 intervals a day; next is interval 2 of day 3. Same time on days 1 and 2: 1000 and 2000 → 1500; last: −100.
  const history = [0, 0, 1000, 0, 0, 0, 2000, 0, 0, -100];
  assert.is(forecastNextNetWh(history, { intervalsPerDay: 4 }), Math.round(0.7 * 1500 + 0.3 * -100));
  assert.is(forecastNextNetWh(history, { intervalsPerDay: 4, days: 1 }), Math.round(0.7 * 2000 + 0.3 * -100));
  assert.is(forecastNextNetWh(history, { intervalsPerDay: 4, sameTimeWeightBps: 10_000 }), 1500);
});

test('falls back to persistence, then to zero', () => {
  assert.is(forecastNextNetWh([300, 450], { intervalsPerDay: 24 }), 450);
  assert.is(forecastNextNetWh([], { intervalsPerDay: 24 }), 0);
});

test('mean absolute error in Wh', () => {
  assert.is(meanAbsoluteErrorWh([100, -200], [150, -100]), 75);
  assert.is(meanAbsoluteErrorWh([], []), 0);
  assert.throws(() => meanAbsoluteErrorWh([1], []), /expected as many forecasts/);
});

test.run();
