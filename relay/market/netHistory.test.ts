import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { denseNetHistoryWh } from './netHistory.ts';

test('one value per interval before the forecast one, net = export − import', () => {
  const sealed = [
    { endS: 1800, importWh: 10, exportWh: 110 },
    { endS: 2700, importWh: 300, exportWh: 0 },
  ];
  assert.equal(denseNetHistoryWh(sealed, 2700, 900, 100), [100, -300]);
});

test('a missing interval repeats the last sealed value, never zero; nothing before the first seal', () => {
  const sealed = [
    { endS: 1800, importWh: 0, exportWh: 50 },
    { endS: 4500, importWh: 0, exportWh: 70 },
  ];
  assert.equal(denseNetHistoryWh(sealed, 4500, 900, 100), [50, 50, 50, 70]);
  assert.equal(denseNetHistoryWh([], 4500, 900, 100), []);
});

test('keeps at most maxIntervals and ignores seals of the forecast interval or later', () => {
  const sealed = Array.from({ length: 10 }, (_, i) => ({ endS: 900 * (i + 2), importWh: 0, exportWh: i }));
  assert.equal(denseNetHistoryWh(sealed, 900 * 6, 900, 3), [2, 3, 4]);
});

test.run();
