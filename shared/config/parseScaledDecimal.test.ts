import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScaledDecimal } from './parseScaledDecimal.ts';

test('scales decimal text exactly', () => {
  assert.is(parseScaledDecimal('0.5', 3), 500n);
  assert.is(parseScaledDecimal('1.5', 4), 15000n);
  assert.is(parseScaledDecimal('0.02', 4), 200n);
  assert.is(parseScaledDecimal('12', 2), 1200n);
  assert.is(parseScaledDecimal(' 0.10 ', 2), 10n);
  assert.is(parseScaledDecimal('0.100000', 1), 1n);
});

test('refuses text that is not a plain non-negative decimal', () => {
  for (const text of ['', '-1', '1e3', '0x10', '.5', '5.', 'abc', '1,5', 'NaN', 'Infinity']) {
    assert.is(parseScaledDecimal(text, 3), 'not_decimal', text);
  }
});

test('refuses more digits than the scale keeps', () => {
  assert.is(parseScaledDecimal('0.0005', 3), 'too_precise');
  assert.is(parseScaledDecimal('0.123', 2), 'too_precise');
});

test.run();
