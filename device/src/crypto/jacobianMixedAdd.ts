import { isZeroLimbs, newLimbs } from './limbLayout.ts';
import { fieldP } from './fieldP.ts';
import { signerError } from './signerError.ts';

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³), limbs loosely reduced mod p. */
export interface JacobianPoint {
  x: Int32Array;
  y: Int32Array;
  z: Int32Array;
}

/** A fresh Jacobian point (all coordinates zero; the caller sets it before use). */
export function newJacobianPoint(): JacobianPoint {
  return { x: newLimbs(), y: newLimbs(), z: newLimbs() };
}

/** Number of {@link JacobianMixedAddition.stepOnce} calls one addition takes. */
export const MIXED_ADDITION_STEPS = 4;

/**
 * P ← P + (x2, y2) with P Jacobian and the addend affine: "madd-2007-bl" from the Explicit-Formulas Database
 * (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html#addition-madd-2007-bl), 7 multiplies + 4 squares
 * ≈ 1 440 limb products, done in {@link MIXED_ADDITION_STEPS} steps of at most ≈ 540 products so that the
 * signing job can yield between them. The temporaries belong to the instance, so two jobs never share them.
 *
 * The formula fails when P = ±(x2, y2) (H = 0). In the fixed-base comb that needs the partial sum of earlier
 * windows to equal ± the next window's point, which cannot happen below n for all but a ~2^-128 fraction of
 * nonces; it is detected and reported as `degenerate_addition` rather than returning a wrong point.
 */
export class JacobianMixedAddition {
  private readonly z1z1: Int32Array;
  private readonly u2: Int32Array;
  private readonly s2: Int32Array;
  private readonly h: Int32Array;
  private readonly hh: Int32Array;
  private readonly i4: Int32Array;
  private readonly j: Int32Array;
  private readonly r: Int32Array;
  private readonly v: Int32Array;
  private readonly t: Int32Array;
  private readonly check: Int32Array;
  private p: JacobianPoint | null;
  private x2: Int32Array | null;
  private y2: Int32Array | null;
  private phase: number;

  constructor() {
    this.z1z1 = newLimbs();
    this.u2 = newLimbs();
    this.s2 = newLimbs();
    this.h = newLimbs();
    this.hh = newLimbs();
    this.i4 = newLimbs();
    this.j = newLimbs();
    this.r = newLimbs();
    this.v = newLimbs();
    this.t = newLimbs();
    this.check = newLimbs();
    this.p = null;
    this.x2 = null;
    this.y2 = null;
    this.phase = MIXED_ADDITION_STEPS;
  }

  /** Starts P ← P + (x2, y2); the arrays must stay unchanged until the last step. */
  start(p: JacobianPoint, x2: Int32Array, y2: Int32Array): void {
    this.p = p;
    this.x2 = x2;
    this.y2 = y2;
    this.phase = 0;
  }

  /** Does the next part of the addition; returns true once P holds the sum. */
  stepOnce(): boolean {
    const f = fieldP;
    const p = this.p!;
    const phase = this.phase;
    if (phase === 0) {
      f.sqr(this.z1z1, p.z); // Z1Z1 = Z1²
      f.mul(this.u2, this.x2!, this.z1z1); // U2 = X2·Z1Z1
      f.mul(this.s2, this.y2!, p.z);
      f.mul(this.s2, this.s2, this.z1z1); // S2 = Y2·Z1·Z1Z1
    } else if (phase === 1) {
      f.sub(this.h, this.u2, p.x); // H = U2 − X1
      f.canonical(this.check, this.h);
      if (isZeroLimbs(this.check)) throw signerError('degenerate_addition', 'expected distinct points in the comb, got P = ±Q');
      f.sqr(this.hh, this.h); // HH = H²
      f.add(this.i4, this.hh, this.hh);
      f.add(this.i4, this.i4, this.i4); // I = 4·HH
      f.mul(this.j, this.h, this.i4); // J = H·I
      f.sub(this.r, this.s2, p.y);
      f.add(this.r, this.r, this.r); // r = 2·(S2 − Y1)
      f.mul(this.v, p.x, this.i4); // V = X1·I
    } else if (phase === 2) {
      f.sqr(this.t, this.r);
      f.sub(this.t, this.t, this.j);
      f.sub(this.t, this.t, this.v);
      f.sub(this.t, this.t, this.v); // X3 = r² − J − 2·V
      f.add(p.z, p.z, this.h);
      f.sqr(p.z, p.z);
      f.sub(p.z, p.z, this.z1z1);
      f.sub(p.z, p.z, this.hh); // Z3 = (Z1 + H)² − Z1Z1 − HH
    } else if (phase === 3) {
      f.mul(this.j, p.y, this.j);
      f.add(this.j, this.j, this.j); // 2·Y1·J
      f.sub(this.v, this.v, this.t);
      f.mul(this.v, this.r, this.v);
      f.sub(p.y, this.v, this.j); // Y3 = r·(V − X3) − 2·Y1·J
      p.x.set(this.t);
    }
    this.phase = phase + 1;
    return this.phase >= MIXED_ADDITION_STEPS;
  }
}
