import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { computeGeneratorTableBase64 } from '../../build/generateGeneratorTable.ts';
import { embeddedGeneratorTableBase64 } from './generatorTable.ts';
import { TABLE_DIGITS, TABLE_POINTS, TABLE_POINT_BYTES } from './generatorTableLayout.ts';
import { readGeneratorTablePoint } from './generatorTableLookup.ts';
import { newLimbs } from './limbLayout.ts';

function toBig(limbs: Int32Array): bigint {
  let v = 0n;
  for (let i = limbs.length - 1; i >= 0; i--) v = (v << 24n) + BigInt(limbs[i]!);
  return v;
}

test('committed table equals a fresh computation with @noble/curves', () => {
  const embedded = embeddedGeneratorTableBase64();
  assert.is(atob(embedded).length, TABLE_POINTS * TABLE_POINT_BYTES);
  assert.ok(embedded === computeGeneratorTableBase64(), 'regenerate with device/build/generateGeneratorTable.ts');
});

test('decoded entries are d · 16^w · G (spot checks, and the carry entry 16^64 · G)', () => {
  const n = secp256k1.Point.CURVE().n;
  const x = newLimbs();
  const y = newLimbs();
  for (const [w, d] of [[0, 1], [0, 8], [17, 3], [63, 8]] as const) {
    readGeneratorTablePoint(w * TABLE_DIGITS + d - 1, x, y);
    const expected = secp256k1.Point.BASE.multiply((BigInt(d) << BigInt(4 * w)) % n).toAffine();
    assert.is(toBig(x), expected.x);
    assert.is(toBig(y), expected.y);
  }
  readGeneratorTablePoint(TABLE_POINTS - 1, x, y);
  assert.is(toBig(x), secp256k1.Point.BASE.multiply((1n << 256n) % n).toAffine().x);
});

test.run();
