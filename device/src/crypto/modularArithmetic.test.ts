import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { limbsFromBytes, limbsToBytes, newLimbs } from './limbLayout.ts';
import { fieldP } from './fieldP.ts';
import { scalarN } from './scalarN.ts';
import type { LimbModulus } from './limbModulus.ts';
import { readFileSync } from 'node:fs';
import { generatedModularArithmetic } from '../../build/generateModularArithmetic.ts';

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function toBig(limbs: Int32Array): bigint {
  let v = 0n;
  for (let i = limbs.length - 1; i >= 0; i--) v = (v << 24n) + BigInt(limbs[i]!);
  return v;
}

function fromBig(v: bigint): Int32Array {
  const bytes = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  const out = newLimbs();
  limbsFromBytes(out, bytes);
  return out;
}

function randomBelow2to256(): bigint {
  return BigInt('0x' + randomBytes(32).toString('hex'));
}

/** Edge values: 0, 1, m − 1, m, 2^256 − 1 and neighbours, plus random ones. */
function samples(m: bigint): bigint[] {
  const out = [0n, 1n, 2n, m - 1n, m, m + 1n, (1n << 256n) - 1n, (1n << 255n), m >> 1n];
  for (let i = 0; i < 300; i++) out.push(randomBelow2to256());
  return out;
}

function checkModulus(name: string, mod: LimbModulus, m: bigint): void {
  test(`${name}: mul, sqr, add, sub, canonical agree with BigInt, including edge values and chained loose inputs`, () => {
    const values = samples(m);
    const out = newLimbs();
    const canonical = newLimbs();
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 7 + 3) % values.length]!;
      const la = fromBig(a);
      const lb = fromBig(b);
      const ops: Array<[string, () => void, bigint]> = [
        ['mul', () => mod.mul(out, la, lb), (a * b) % m],
        ['sqr', () => mod.sqr(out, la), (a * a) % m],
        ['add', () => mod.add(out, la, lb), (a + b) % m],
        ['sub', () => mod.sub(out, la, lb), (((a - b) % m) + m) % m],
      ];
      for (const [op, run, expected] of ops) {
        run();
        for (const limb of out) assert.ok(limb >= 0 && limb < 0x1000000, `${op}: limb out of range`);
        assert.ok(toBig(out) < 2n * m, `${op}: not loosely reduced`);
        mod.canonical(canonical, out);
        assert.is(toBig(canonical), expected, `${op}(${a.toString(16)}, ${b.toString(16)})`);
        // Loose results fed back in (the signer chains them): a square of the loose value must still agree.
        mod.sqr(out, out);
        mod.canonical(canonical, out);
        assert.is(toBig(canonical), (expected * expected) % m, `${op} then sqr`);
      }
    }
  });
}

/** The largest loose input the arithmetic accepts: limbs 0…9 at 2^24 − 1 and limb 10 at 2^17 − 1 (≈ 2^257). */
function checkLargestLooseInputs(name: string, mod: LimbModulus, m: bigint): void {
  test(`${name}: largest loose inputs (≈ 2^257, every limb at its bound) still reduce exactly`, () => {
    const big = new Int32Array(11).fill(0xffffff);
    big[10] = 0x1ffff;
    const value = toBig(big);
    const out = newLimbs();
    const canonical = newLimbs();
    const cases: Array<[string, () => void, bigint]> = [
      ['mul', () => mod.mul(out, big, big), (value * value) % m],
      ['sqr', () => mod.sqr(out, big), (value * value) % m],
      ['add', () => mod.add(out, big, big), (value + value) % m],
      ['sub 0 − big', () => mod.sub(out, newLimbs(), big), (((-value) % m) + m) % m],
    ];
    for (const [op, run, expected] of cases) {
      run();
      for (const limb of out) assert.ok(limb >= 0 && limb < 0x1000000, `${op}: limb out of range`);
      mod.canonical(canonical, out);
      assert.is(toBig(canonical), expected, op);
    }
  });
}

checkModulus('mod p', fieldP, P);
checkLargestLooseInputs('mod p', fieldP, P);
checkLargestLooseInputs('mod n', scalarN, N);
checkModulus('mod n', scalarN, N);

test('limbsToBytes inverts limbsFromBytes', () => {
  for (let i = 0; i < 100; i++) {
    const bytes = new Uint8Array(randomBytes(32));
    const limbs = newLimbs();
    limbsFromBytes(limbs, bytes);
    const back = new Uint8Array(32);
    limbsToBytes(back, 0, limbs);
    assert.equal(back, bytes);
  }
});

test('committed fieldP.ts and scalarN.ts equal a fresh generation (exactness bounds re-proved)', () => {
  for (const [name, source] of Object.entries(generatedModularArithmetic())) {
    const committed = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
    assert.ok(committed === source, `${name} is stale: run device/build/generateModularArithmetic.ts`);
  }
});

test.run();
