import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredRecord } from '../events/relayEventBus.ts';
import type { SampleRecord } from '../../shared/protocol/recordTypes.ts';
import { ZoneLivePower } from './zoneLivePower.ts';

function stored(meter: string, timeS: number, powerW: number, zone = 'z'): StoredRecord {
  const record: SampleRecord = { v: 1, kind: 'sample', meter, seq: timeS, prev: '0x' + '0'.repeat(64), timeS, importWh: 0, exportWh: 0, powerW, voltageDv: 2300, currentMa: 0, powerFactorPermille: 1000 };
  return { record, digest: '0x' + '0'.repeat(64), zone, isRegisteredMeter: true };
}

test('sums exporters as production and importers as consumption; net flow = consumption − production', () => {
  const power = new ZoneLivePower({ staleAfterS: 300 });
  assert.equal([...power.apply([stored('a', 100, -1500), stored('b', 100, 400), stored('c', 101, 0)])], ['z']);
  assert.equal(power.aggregate('z'), { zone: 'z', productionW: 1500, consumptionW: 400, netFlowW: -1100, meterCount: 3, timeS: 101 });
});

test('keeps the newest measurement per meter even when an older one arrives later', () => {
  const power = new ZoneLivePower({ staleAfterS: 300 });
  power.apply([stored('a', 200, -100)]);
  power.apply([stored('a', 150, -900)]);
  assert.is(power.aggregate('z')?.productionW, 100);
});

test('meters silent for longer than staleAfterS leave the sums; a meter that changes zone leaves the old one', () => {
  const power = new ZoneLivePower({ staleAfterS: 60 });
  power.apply([stored('a', 100, 10), stored('b', 100, 20)]);
  power.apply([stored('b', 200, 30)]);
  assert.equal(power.aggregate('z')?.meterCount, 1);
  const changed = power.apply([stored('b', 210, 40, 'y')]);
  assert.equal([...changed].sort(), ['y', 'z']);
  assert.is(power.aggregate('z'), undefined);
  assert.is(power.aggregate('y')?.consumptionW, 40);
});

test.run();
