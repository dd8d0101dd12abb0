import { newLimbs } from './limbLayout.ts';
import type { JacobianPoint } from './jacobianMixedAdd.ts';
import { fieldP } from './fieldP.ts';

const zz = newLimbs();

/** Canonical affine x = X/Z², y = Y/Z³ given zInverse = Z^−1 mod p (4 multiplies, ≈ 600 limb products). */
export function jacobianToAffine(point: JacobianPoint, zInverse: Int32Array, x: Int32Array, y: Int32Array): void {
  const f = fieldP;
  f.sqr(zz, zInverse);
  f.mul(x, point.x, zz);
  f.mul(zz, zz, zInverse);
  f.mul(y, point.y, zz);
  f.canonical(x, x);
  f.canonical(y, y);
}
