import { newLimbs } from './limbLayout.ts';
import type { LimbModulus } from './limbModulus.ts';

/** Number of precomputed powers base^0 … base^15 of the 4-bit fixed window. */
const WINDOW_POWERS = 16;

/**
 * base^e mod m for a fixed public exponent, one multiply or square per {@link StepwisePower.stepOnce}, so that
 * an inversion (Fermat: a^(m−2), m prime) can be spread over event-loop turns.
 *
 * Left-to-right 4-bit fixed window: 14 multiplies to build base^2 … base^15, then per hex digit of e four
 * squares and one multiply (skipped for a zero digit — e is public, so this leaks nothing). For e = p − 2 or
 * n − 2 that is 252 squares + 77 multiplies ≈ 36 000 limb products mod p, ≈ 69 000 mod n. The sequence of
 * operations does not depend on the base, so the time does not depend on the secret.
 */
export class StepwisePower {
  private readonly modulus: LimbModulus;
  private readonly digits: Uint8Array;
  private readonly powers: Int32Array[];
  private readonly accumulator: Int32Array;
  private nextPower: number;
  private digitIndex: number;
  private squaresDone: number;
  private finished: boolean;

  /** @param exponentHex e, big-endian hex, first digit non-zero. */
  constructor(modulus: LimbModulus, exponentHex: string) {
    this.modulus = modulus;
    this.digits = new Uint8Array(exponentHex.length);
    for (let i = 0; i < exponentHex.length; i++) this.digits[i] = parseInt(exponentHex.charAt(i), 16);
    this.powers = [];
    for (let i = 0; i < WINDOW_POWERS; i++) this.powers.push(newLimbs());
    this.accumulator = newLimbs();
    this.nextPower = 2;
    this.digitIndex = 0;
    this.squaresDone = 0;
    this.finished = false;
  }

  /** Starts a new exponentiation of `base` (copied). */
  start(base: Int32Array): void {
    this.powers[1]!.set(base);
    this.nextPower = 2;
    this.digitIndex = 0;
    this.squaresDone = 0;
    this.finished = false;
  }

  /** Does one multiply or square; returns true once the power is complete (then read {@link result}). */
  stepOnce(): boolean {
    if (this.finished) return true;
    const m = this.modulus;
    const powers = this.powers;
    if (this.nextPower < WINDOW_POWERS) {
      const j = this.nextPower;
      if (j === 2) m.sqr(powers[2]!, powers[1]!);
      else m.mul(powers[j]!, powers[j - 1]!, powers[1]!);
      this.nextPower = j + 1;
      if (this.nextPower === WINDOW_POWERS) {
        this.accumulator.set(powers[this.digits[0]!]!);
        this.digitIndex = 1;
      }
      return false;
    }
    if (this.squaresDone < 4) {
      m.sqr(this.accumulator, this.accumulator);
      this.squaresDone++;
      if (this.squaresDone < 4 || this.digits[this.digitIndex] !== 0) return false;
    } else {
      m.mul(this.accumulator, this.accumulator, powers[this.digits[this.digitIndex]!]!);
    }
    this.squaresDone = 0;
    this.digitIndex++;
    if (this.digitIndex === this.digits.length) this.finished = true;
    return this.finished;
  }

  /** The result (loosely reduced), valid once {@link stepOnce} returned true. */
  result(): Int32Array {
    return this.accumulator;
  }
}
