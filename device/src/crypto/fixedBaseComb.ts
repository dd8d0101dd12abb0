import { newLimbs } from './limbLayout.ts';
import { TABLE_DIGITS, TABLE_WINDOWS } from './generatorTableLayout.ts';
import { readGeneratorTablePoint } from './generatorTableLookup.ts';
import { JacobianMixedAddition, newJacobianPoint, type JacobianPoint } from './jacobianMixedAdd.ts';
import { fieldP } from './fieldP.ts';

/**
 * k · G with the precomputed table; each {@link FixedBaseComb.stepOnce} does a quarter of one window's
 * mixed addition (≤ ≈ 540 limb products), so the signing job can yield often.
 *
 * k (canonical, below n) is recoded into 65 signed base-16 digits d_w ∈ −7 … 8 (a digit above 8 becomes
 * d − 16 with a carry into the next window), so k · G = Σ d_w · 16^w · G and the table needs only
 * |d| = 1 … 8 per window; a negative digit negates y. No doublings: at most 65 mixed additions
 * (≈ 1 440 limb products each, ≈ 88 000 per k · G). A zero digit adds nothing (1 in 16 windows on average),
 * which makes the time depend slightly on k; the interpreter's own timing noise is far larger.
 */
export class FixedBaseComb {
  /** The running sum, Jacobian; valid when {@link hasPoint}. */
  readonly sum: JacobianPoint;
  /** False while every digit so far was zero (the sum is the point at infinity). */
  hasPoint: boolean;
  private readonly digits: Int8Array;
  private window: number;
  private readonly tableX: Int32Array;
  private readonly tableY: Int32Array;
  private readonly addition: JacobianMixedAddition;
  private isAdding: boolean;

  constructor() {
    this.addition = new JacobianMixedAddition();
    this.isAdding = false;
    this.sum = newJacobianPoint();
    this.hasPoint = false;
    this.digits = new Int8Array(TABLE_WINDOWS + 1);
    this.window = TABLE_WINDOWS + 1;
    this.tableX = newLimbs();
    this.tableY = newLimbs();
  }

  /** Starts k · G; `scalar` is canonical (below n), in limbs. */
  start(scalar: Int32Array): void {
    let carry = 0;
    for (let w = 0; w < TABLE_WINDOWS; w++) {
      // 24-bit limbs hold six 4-bit windows each.
      const limb = (w / 6) | 0;
      let d = ((scalar[limb]! >> (4 * (w - limb * 6))) & 15) + carry;
      carry = 0;
      if (d > TABLE_DIGITS) {
        d -= 16;
        carry = 1;
      }
      this.digits[w] = d;
    }
    this.digits[TABLE_WINDOWS] = carry;
    this.window = 0;
    this.hasPoint = false;
    this.isAdding = false;
  }

  /** Does the next part of the next window's addition; returns true once all 65 windows are in. */
  stepOnce(): boolean {
    if (this.isAdding) {
      if (!this.addition.stepOnce()) return false;
      this.isAdding = false;
      return this.window > TABLE_WINDOWS;
    }
    const w = this.window;
    if (w > TABLE_WINDOWS) return true;
    const d = this.digits[w]!;
    if (d !== 0) {
      const magnitude = d < 0 ? -d : d;
      readGeneratorTablePoint(w * TABLE_DIGITS + magnitude - 1, this.tableX, this.tableY);
      if (d < 0) fieldP.sub(this.tableY, fieldP.modulus, this.tableY);
      if (this.hasPoint) {
        this.addition.start(this.sum, this.tableX, this.tableY);
        this.isAdding = true;
        this.addition.stepOnce();
        this.window = w + 1;
        return false;
      } else {
        this.sum.x.set(this.tableX);
        this.sum.y.set(this.tableY);
        this.sum.z.fill(0);
        this.sum.z[0] = 1;
        this.hasPoint = true;
      }
    }
    this.window = w + 1;
    return this.window > TABLE_WINDOWS;
  }
}
