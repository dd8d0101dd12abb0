import { LIMB_BASE, LIMB_COUNT, compareLimbs, limbsFromHex } from './limbLayout.ts';
import { limbProductCounter } from './limbProductCounter.ts';

/** 2^16: the weight of bit 256 inside limb 10 (bits 240…263). */
const TOP_LIMB_SPLIT = 0x10000;

/**
 * Arithmetic modulo a 256-bit number m just below 2^256 (secp256k1's p and n), on 24-bit limbs
 * (see `limbLayout.ts`), without BigInt, for the Espruino interpreter.
 *
 * Reduction folds instead of dividing: with c = 2^256 − m, 2^264 ≡ 2^8·c (mod m), so every limb at index
 * k ≥ 11 is multiplied by the limbs of 2^8·c and added at index k − 11 (2 limbs for p, 6 for n), repeated until
 * nothing is left above limb 10; then the bits above 2^256 fold once more through c. Results are only *loosely*
 * reduced — below 2^256 + 2^138 < 2m, every limb below 2^24 — which every operation accepts as input;
 * {@link LimbModulus.canonical} gives the unique value below m when bytes or comparisons need it.
 *
 * Cost in limb products (counted in `limbProductCounter`): a multiply is 121 schoolbook products, a square
 * 66 (cross terms doubled), plus the folds: about 32 for p and about 130 for n per reduction.
 *
 * Operations write into `out`, which may alias an input. Column sums stay below 2^53 (exact doubles): a
 * column holds at most 11 products below 2^48 (squares: 6 doubled products below 2^49 and one square).
 */
export class LimbModulus {
  /** m in limbs. */
  readonly modulus: Int32Array;
  private readonly fourModulus: Int32Array;
  private readonly fold264: Int32Array;
  private readonly fold264Length: number;
  private readonly fold256: Int32Array;
  private readonly fold256Length: number;
  private readonly columns: Float64Array;
  private readonly high: Float64Array;

  /**
   * @param modulusHex m, big-endian hex.
   * @param complementHex c = 2^256 − m, big-endian hex (must be below 2^248 so that 2^8·c < m).
   */
  constructor(modulusHex: string, complementHex: string) {
    // Plain assignments, not class fields: the interpreter has no class-field syntax.
    this.columns = new Float64Array(48);
    this.high = new Float64Array(24);
    this.modulus = limbsFromHex(modulusHex);
    this.fold256 = limbsFromHex(complementHex);
    this.fold264 = limbsFromHex(complementHex + '00');
    this.fold256Length = significantLength(this.fold256);
    this.fold264Length = significantLength(this.fold264);
    this.fourModulus = new Int32Array(LIMB_COUNT);
    let carry = 0;
    for (let i = 0; i < LIMB_COUNT; i++) {
      const v = this.modulus[i]! * 4 + carry;
      carry = Math.floor(v / LIMB_BASE);
      this.fourModulus[i] = v - carry * LIMB_BASE;
    }
  }

  /** out = a · b (mod m), loosely reduced. */
  mul(out: Int32Array, a: Int32Array, b: Int32Array): void {
    const t = this.columns;
    t.fill(0);
    for (let i = 0; i < LIMB_COUNT; i++) {
      const ai = a[i]!;
      for (let j = 0; j < LIMB_COUNT; j++) t[i + j] = t[i + j]! + ai * b[j]!;
    }
    limbProductCounter.products += 121;
    this.reduce(out, 2 * LIMB_COUNT - 1);
  }

  /** out = a² (mod m), loosely reduced: 66 products instead of 121. */
  sqr(out: Int32Array, a: Int32Array): void {
    const t = this.columns;
    t.fill(0);
    for (let i = 0; i < LIMB_COUNT; i++) {
      const ai = a[i]!;
      t[i + i] = t[i + i]! + ai * ai;
      const twice = ai + ai;
      for (let j = i + 1; j < LIMB_COUNT; j++) t[i + j] = t[i + j]! + twice * a[j]!;
    }
    limbProductCounter.products += 66;
    this.reduce(out, 2 * LIMB_COUNT - 1);
  }

  /** out = a + b (mod m), loosely reduced. */
  add(out: Int32Array, a: Int32Array, b: Int32Array): void {
    const t = this.columns;
    t.fill(0);
    for (let i = 0; i < LIMB_COUNT; i++) t[i] = a[i]! + b[i]!;
    this.reduce(out, LIMB_COUNT);
  }

  /** out = a − b (mod m), loosely reduced; computed as a + 4m − b so that no intermediate goes negative overall. */
  sub(out: Int32Array, a: Int32Array, b: Int32Array): void {
    const t = this.columns;
    const m4 = this.fourModulus;
    t.fill(0);
    for (let i = 0; i < LIMB_COUNT; i++) t[i] = a[i]! - b[i]! + m4[i]!;
    this.reduce(out, LIMB_COUNT);
  }

  /** out = the unique value below m congruent to a (a loosely reduced, i.e. below 2m). */
  canonical(out: Int32Array, a: Int32Array): void {
    if (out !== a) out.set(a);
    if (compareLimbs(out, this.modulus) < 0) return;
    const m = this.modulus;
    let borrow = 0;
    for (let i = 0; i < LIMB_COUNT; i++) {
      const v = out[i]! - m[i]! - borrow;
      borrow = v < 0 ? 1 : 0;
      out[i] = v + borrow * LIMB_BASE;
    }
  }

  /** Reduces the first `length` columns of the scratch area into `out`. */
  private reduce(out: Int32Array, length: number): void {
    const t = this.columns;
    const high = this.high;
    const fold = this.fold264;
    const foldLength = this.fold264Length;
    let n = carryColumns(t, length);
    while (n > LIMB_COUNT) {
      const highLength = n - LIMB_COUNT;
      for (let k = 0; k < highLength; k++) {
        high[k] = t[LIMB_COUNT + k]!;
        t[LIMB_COUNT + k] = 0;
      }
      for (let k = 0; k < highLength; k++) {
        const h = high[k]!;
        for (let j = 0; j < foldLength; j++) t[k + j] = t[k + j]! + h * fold[j]!;
      }
      limbProductCounter.products += highLength * foldLength;
      const touched = highLength - 1 + foldLength;
      n = carryColumns(t, touched > LIMB_COUNT ? touched : LIMB_COUNT);
    }
    // Value < 2^264: fold the bits from 2^256 up through c (Σ below 2^256 + 2^8·c).
    const top = Math.floor(t[LIMB_COUNT - 1]! / TOP_LIMB_SPLIT);
    if (top !== 0) {
      t[LIMB_COUNT - 1] = t[LIMB_COUNT - 1]! - top * TOP_LIMB_SPLIT;
      const c = this.fold256;
      for (let j = 0; j < this.fold256Length; j++) t[j] = t[j]! + top * c[j]!;
      limbProductCounter.products += this.fold256Length;
      carryColumns(t, LIMB_COUNT);
    }
    for (let i = 0; i < LIMB_COUNT; i++) out[i] = t[i]!;
  }
}

/**
 * Normalises columns to limbs below 2^24 (signed columns allowed; the total must be non-negative), moving
 * the carry into new top columns. Returns the number of significant columns, at least 11.
 */
function carryColumns(t: Float64Array, length: number): number {
  let carry = 0;
  let n = length;
  for (let k = 0; k < n; k++) {
    const v = t[k]! + carry;
    carry = Math.floor(v / LIMB_BASE);
    t[k] = v - carry * LIMB_BASE;
  }
  while (carry !== 0) {
    const v = t[n]! + carry;
    carry = Math.floor(v / LIMB_BASE);
    t[n] = v - carry * LIMB_BASE;
    n++;
  }
  while (n > LIMB_COUNT && t[n - 1] === 0) n--;
  return n;
}

function significantLength(limbs: Int32Array): number {
  let n = LIMB_COUNT;
  while (n > 1 && limbs[n - 1] === 0) n--;
  return n;
}
