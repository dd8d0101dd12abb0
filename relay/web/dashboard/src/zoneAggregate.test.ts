import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readZoneAggregate, timeSecondsOf } from './zoneAggregate.ts';

test('a live aggregate in watts is read as it comes, the feed time standing in for a missing time', () => {
  const aggregate = readZoneAggregate({ productionW: 4200, consumptionW: 3100, netFlowW: -1100, meterCount: 6 }, 1_767_225_600);
  assert.equal(aggregate, { timeS: 1_767_225_600, productionW: 4200, consumptionW: 3100, netFlowW: -1100, meterCount: 6, voltageMinDv: undefined, voltageMaxDv: undefined });
});

test('an interval total in Wh becomes mean power over the interval, timed at its end', () => {
  // 250 Wh exported over 900 s = 1 000 W; 500 Wh imported = 2 000 W; the zone draws 1 000 W net.
  const aggregate = readZoneAggregate({ startS: 1_767_225_600, endS: 1_767_226_500, exportWh: 250, importWh: 500, netExportWh: -250, meterCount: 5 });
  assert.ok(aggregate);
  assert.is(aggregate.timeS, 1_767_226_500);
  assert.is(aggregate.productionW, 1000);
  assert.is(aggregate.consumptionW, 2000);
  assert.is(aggregate.netFlowW, 1000);
});

test('anything without power or energy figures, or without a time, is not an aggregate', () => {
  assert.is(readZoneAggregate({ meterCount: 5, timeS: 1 }), undefined);
  assert.is(readZoneAggregate({ productionW: 1 }), undefined);
  assert.is(readZoneAggregate('zone:1'), undefined);
  assert.is(readZoneAggregate(null), undefined);
});

test('times are read from seconds, milliseconds or ISO 8601', () => {
  assert.is(timeSecondsOf(1_767_225_600), 1_767_225_600);
  assert.is(timeSecondsOf(1_767_225_600_123), 1_767_225_600);
  assert.is(timeSecondsOf('2026-01-01T00:00:00Z'), 1_767_225_600);
  assert.is(timeSecondsOf('soon'), undefined);
});

test.run();
