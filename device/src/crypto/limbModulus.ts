import { LIMB_BASE, LIMB_COUNT, compareLimbs } from './limbLayout.ts';

/**
 * Arithmetic modulo a 256-bit m just below 2^256 (secp256k1's p and n) on 24-bit limbs (`limbLayout.ts`),
 * as generated into `fieldP.ts` and `scalarN.ts` by `device/build/generateModularArithmetic.ts`.
 *
 * Results are *loosely* reduced — below 2m, every limb below 2^24 — and every operation accepts loose inputs;
 * {@link LimbModulus.canonical} gives the unique value below m where bytes or comparisons need it. Outputs may
 * alias inputs. Each call adds its limb products to `limbProductCounter`.
 */
export interface LimbModulus {
  /** m in limbs. */
  readonly modulus: Int32Array;
  /** o = a · b mod m. */
  mul(o: Int32Array, a: Int32Array, b: Int32Array): void;
  /** o = a² mod m. */
  sqr(o: Int32Array, a: Int32Array): void;
  /** o = a + b mod m. */
  add(o: Int32Array, a: Int32Array, b: Int32Array): void;
  /** o = a − b mod m. */
  sub(o: Int32Array, a: Int32Array, b: Int32Array): void;
  /** o = the value below m congruent to a (a loosely reduced). */
  canonical(o: Int32Array, a: Int32Array): void;
}

/** o = a − m if a ≥ m, else a (a below 2m, normalised limbs). */
export function canonicalLimbs(o: Int32Array, a: Int32Array, m: Int32Array): void {
  if (o !== a) o.set(a);
  if (compareLimbs(o, m) < 0) return;
  let borrow = 0;
  for (let i = 0; i < LIMB_COUNT; i++) {
    const v = o[i]! - m[i]! - borrow;
    borrow = v < 0 ? 1 : 0;
    o[i] = v + borrow * LIMB_BASE;
  }
}
