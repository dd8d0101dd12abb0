import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { smallInteger } from './smallInteger.ts';

test('returns the same number for integers, fractions, large and negative values', () => {
  for (const value of [0, 1, 1500, -20_000, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1e9 + 0.5, 3e9, 0.25, -7.5, Number.MAX_SAFE_INTEGER]) {
    assert.is(smallInteger(value), value, String(value));
  }
  assert.is(smallInteger(new Float64Array([4200])[0] as number), 4200);
});

test.run();
