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

const z1z1 = newLimbs();
const u2 = newLimbs();
const s2 = newLimbs();
const h = newLimbs();
const hh = newLimbs();
const i4 = newLimbs();
const j = newLimbs();
const r = newLimbs();
const v = newLimbs();
const t = newLimbs();
const check = newLimbs();

/**
 * P ← P + (x2, y2) with P Jacobian and the addend affine: "madd-2007-bl" from the Explicit-Formulas Database
 * (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html#addition-madd-2007-bl), 7 multiplies + 4 squares
 * ≈ 1 470 limb products.
 *
 * The formula fails when P = ±(x2, y2) (H = 0). In the fixed-base comb that needs the partial sum of earlier
 * windows to equal ± the next window's point, which cannot happen below n for all but a ~2^-128 fraction of
 * nonces; it is detected and reported as `degenerate_addition` rather than returning a wrong point.
 */
export function jacobianMixedAdd(p: JacobianPoint, x2: Int32Array, y2: Int32Array): void {
  const f = fieldP;
  f.sqr(z1z1, p.z); // Z1Z1 = Z1²
  f.mul(u2, x2, z1z1); // U2 = X2·Z1Z1
  f.mul(s2, y2, p.z);
  f.mul(s2, s2, z1z1); // S2 = Y2·Z1·Z1Z1
  f.sub(h, u2, p.x); // H = U2 − X1
  f.canonical(check, h);
  if (isZeroLimbs(check)) throw signerError('degenerate_addition', 'expected distinct points in the comb, got P = ±Q');
  f.sqr(hh, h); // HH = H²
  f.add(i4, hh, hh);
  f.add(i4, i4, i4); // I = 4·HH
  f.mul(j, h, i4); // J = H·I
  f.sub(r, s2, p.y);
  f.add(r, r, r); // r = 2·(S2 − Y1)
  f.mul(v, p.x, i4); // V = X1·I
  f.sqr(t, r);
  f.sub(t, t, j);
  f.sub(t, t, v);
  f.sub(t, t, v); // X3 = r² − J − 2·V
  f.add(p.z, p.z, h);
  f.sqr(p.z, p.z);
  f.sub(p.z, p.z, z1z1);
  f.sub(p.z, p.z, hh); // Z3 = (Z1 + H)² − Z1Z1 − HH
  f.mul(j, p.y, j);
  f.add(j, j, j); // 2·Y1·J
  f.sub(v, v, t);
  f.mul(v, r, v);
  f.sub(p.y, v, j); // Y3 = r·(V − X3) − 2·Y1·J
  p.x.set(t);
}
