import type { Sha256Function } from './sha256Function.ts';
import { createSigningJob } from './signingJob.ts';

/** Slice budget large enough that one `step` call runs the whole job. */
const WHOLE_JOB_PRODUCTS = 1000000000;

/**
 * Signs a 32-byte digest in one go: 65 bytes r ‖ s ‖ v, v = 27 + recovery bit, RFC 6979 nonce, low-S —
 * byte-identical to `secp256k1.sign(digest, key, { prehash: false, lowS: true, format: 'recovered' })` of
 * @noble/curves with its first byte moved to the end and 27 added. Blocks the interpreter for the whole
 * signature (≈ 1 s on Espruino); the firmware uses {@link createSigningJob} instead.
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array, sha256: Sha256Function): Uint8Array {
  const job = createSigningJob(privateKey, digest, sha256);
  job.step(WHOLE_JOB_PRODUCTS);
  return job.result();
}
