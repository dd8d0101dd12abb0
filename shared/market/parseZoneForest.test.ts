import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MarketError } from './marketError.ts';
import { parseZoneForest } from './parseZoneForest.ts';

const refusal = (value: unknown): { code: string; message: string } => {
  try {
    parseZoneForest(value);
  } catch (error) {
    assert.instance(error, MarketError);
    return { code: (error as MarketError).code, message: (error as MarketError).message };
  }
  throw new Error('expected a refusal');
};

test('a root or an array of roots, with children one level below and feeder limits', () => {
  const tree = { id: 'sub', level: 'substation', children: [{ id: 'f1', level: 'feeder', feederLimitWh: 40_000, children: [{ id: 'h1', level: 'house' }] }] };
  assert.equal(parseZoneForest(tree), [tree]);
  assert.equal(parseZoneForest([tree, { id: 'f9', level: 'feeder' }]).map((z) => z.id), ['sub', 'f9']);
});

test('each refusal names the field and what was expected', () => {
  assert.equal(refusal({ id: 'sub', level: 'substation', children: [{ id: 'h1', level: 'house' }] }), { code: 'bad_zone_level', message: `zone.children[0].level: expected the level one below its parent's, got "house"` });
  assert.is(refusal({ id: 'a', level: 'street' }).code, 'bad_zone_level');
  assert.is(refusal([{ id: 'a', level: 'feeder' }, { id: 'a', level: 'feeder' }]).code, 'duplicate_zone_id');
  assert.is(refusal({ id: '', level: 'feeder' }).code, 'wrong_type');
  assert.is(refusal({ level: 'feeder' }).code, 'missing_field');
  assert.is(refusal({ id: 'a', level: 'feeder', feederLimitWh: 0 }).code, 'out_of_range');
  assert.is(refusal({ id: 'a', level: 'feeder', feederLimitWh: 1.5 }).code, 'not_integer');
  assert.is(refusal({ id: 'a', level: 'feeder', children: {} }).code, 'not_array');
  assert.is(refusal({ id: 'a', level: 'feeder', colour: 'red' }).code, 'unknown_field');
  assert.is(refusal('feeder').code, 'wrong_type');
});

test.run();
