import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keccak256, stringToBytes } from 'viem';
import { MAX_ZONE_ID, ZoneNameError, childZoneId, isZoneWithin, zoneIdFromName, zoneIdLevel, zoneIdMask } from './zoneId.ts';

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

test('path ids: a child sets its own level group under its parent; the mask admits descendants only', () => {
  const substation = childZoneId(0n, 3, 0);
  const feeder1 = childZoneId(substation, 2, 0);
  const feeder2 = childZoneId(substation, 2, 1);
  const house = childZoneId(feeder2, 1, 4);
  assert.is(substation, 0x0001_0000_0000_0000n);
  assert.is(feeder2, 0x0001_0002_0000_0000n);
  assert.is(house, 0x0001_0002_0005_0000n);
  assert.equal([substation, feeder1, house].map(zoneIdLevel), [3, 2, 1]);
  assert.is(zoneIdMask(feeder2), 0xffff_ffff_0000_0000n);
  assert.ok(isZoneWithin(house, feeder2) && isZoneWithin(house, substation) && isZoneWithin(house, house));
  assert.not.ok(isZoneWithin(house, feeder1), 'a sibling subtree is not within');
  assert.not.ok(isZoneWithin(feeder2, house), 'an ancestor is not within its descendant');
  assert.throws(() => childZoneId(substation, 1, 0), /one level above/);
  assert.throws(() => childZoneId(0n, 2, 0xffff), /childIndex/);
});

test('hash ids stay exact: level 0, full mask, only the zone itself is within', () => {
  const id = zoneIdFromName('zone-a');
  assert.is(zoneIdLevel(id), 0);
  assert.is(zoneIdMask(id), MAX_ZONE_ID);
  assert.ok(isZoneWithin(id, id));
  assert.not.ok(isZoneWithin(zoneIdFromName('zone-b'), id));
});

test.run();
