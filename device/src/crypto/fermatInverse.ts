import { fieldP } from './fieldP.ts';
import { scalarN } from './scalarN.ts';
import { StepwisePower } from './stepwisePower.ts';

/** p − 2: a^(p−2) = a^−1 mod p (Fermat's little theorem; p prime). */
const P_MINUS_2 = 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2d';
/** n − 2: a^(n−2) = a^−1 mod n (n prime). */
const N_MINUS_2 = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036413f';

/** A stepwise inverse mod p (≈ 36 000 limb products), for Jacobian → affine. */
export function newFieldInverse(): StepwisePower {
  return new StepwisePower(fieldP, P_MINUS_2);
}

/** A stepwise inverse mod n (≈ 69 000 limb products), for k^−1 in ECDSA. */
export function newScalarInverse(): StepwisePower {
  return new StepwisePower(scalarN, N_MINUS_2);
}
