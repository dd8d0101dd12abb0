import { FixedBaseComb } from './fixedBaseComb.ts';
import { newFieldInverse } from './fermatInverse.ts';
import { jacobianToAffine } from './jacobianToAffine.ts';
import { limbsFromBytes, limbsToBytes, newLimbs } from './limbLayout.ts';
import { checkBytes32 } from './signingJob.ts';
import { compareLimbs, isZeroLimbs } from './limbLayout.ts';
import { scalarN } from './scalarN.ts';
import { signerError } from './signerError.ts';

/**
 * The uncompressed public key 0x04 ‖ x ‖ y (65 bytes, SEC 1 v2 §2.3.3) of a private key, by the same comb as
 * signing (≈ 125 000 limb products; run once at provisioning or boot, not per reading).
 *
 * The meter's address is keccak-256 of x ‖ y (last 20 bytes). Keccak is not native on Espruino and would cost
 * flash and interpreter time for a value that never changes, so the device does not compute it: the address
 * is written at provisioning beside the key, and the relay derives it again from this public key (or from a
 * recovered signature) to check that the two agree.
 */
export function derivePublicKey(privateKey: Uint8Array): Uint8Array {
  checkBytes32(privateKey, 'bad_private_key', 'a private key');
  const d = newLimbs();
  limbsFromBytes(d, privateKey);
  if (isZeroLimbs(d) || compareLimbs(d, scalarN.modulus) >= 0) {
    throw signerError('bad_private_key', 'expected a private key in 1 … n − 1, got one outside');
  }
  const comb = new FixedBaseComb();
  comb.start(d);
  while (!comb.stepOnce());
  const inverse = newFieldInverse();
  inverse.start(comb.sum.z);
  while (!inverse.stepOnce());
  const x = newLimbs();
  const y = newLimbs();
  jacobianToAffine(comb.sum, inverse.result(), x, y);
  const out = new Uint8Array(65);
  out[0] = 4;
  limbsToBytes(out, 1, x);
  limbsToBytes(out, 33, y);
  return out;
}
