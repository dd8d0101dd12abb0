import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keccak256, stringToBytes } from 'viem';
import { MAX_ZONE_ID, ZoneNameError, zoneIdFromName } from './zoneId.ts';

test('zone id is the first 8 bytes of keccak256(UTF-8 name), big-endian', () => {
  for (const name of ['zone-a', 'Feeder 12 / Süd', 'x']) {
    const expected = BigInt(keccak256(stringToBytes(name)).slice(0, 18));
    assert.is(zoneIdFromName(name), expected);
    assert.ok(zoneIdFromName(name) <= MAX_ZONE_ID);
  }
  assert.is(zoneIdFromName('zone-a'), 0x116954eb5784b18bn);
});

test('names are taken exactly: case matters', () => {
  assert.is.not(zoneIdFromName('Zone-A'), zoneIdFromName('zone-a'));
});

test('an empty name is refused with a code', () => {
  try {
    zoneIdFromName('');
    assert.unreachable('expected ZoneNameError');
  } catch (error) {
    assert.instance(error, ZoneNameError);
    assert.is((error as ZoneNameError).code, 'zone_name_empty');
  }
});

test.run();
