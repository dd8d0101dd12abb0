/**
 * Seal signatures: ECDSA over secp256k1 on the SHA-256 digest of the canonical bytes, RFC 6979 deterministic
 * nonces, low-S, 65 bytes r ‖ s ‖ v with v = 27 + recovery bit — the order `ecrecover` takes.
 *
 * noble-curves 2.x hashes the message itself unless `prehash: false`, and its `'recovered'` format puts the
 * recovery byte first (v ‖ r ‖ s): both are spelled out at every call below.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeSealBytes } from './canonicalBytes.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import { addressFromPublicKey } from './meterAddress.ts';
import { ProtocolError } from './protocolError.ts';
import type { SealRecord, UnsignedSealRecord } from './recordTypes.ts';
import { SIGNATURE_BYTE_LENGTH, checkSignatureShape } from './signatureShape.ts';

/** Signs a 32-byte digest: returns r ‖ s ‖ v (v = 27 or 28), low-S, RFC 6979 nonce. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const recovered = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' });
  const out = new Uint8Array(SIGNATURE_BYTE_LENGTH);
  out.set(recovered.subarray(1, 65), 0); // r ‖ s
  out[64] = 27 + recovered[0]!; // noble puts the recovery bit first
  return out;
}

/** Signs a seal with the meter's key and returns the complete record. */
export function signSeal(unsigned: UnsignedSealRecord, privateKey: Uint8Array): SealRecord {
  const digest = sha256(encodeSealBytes(unsigned));
  return { ...unsigned, sig: bytesToHex(signDigest(digest, privateKey)) };
}

/** Recovers the signer's address from a 65-byte r ‖ s ‖ v signature over `digest` (shape checked first). */
export function recoverDigestSigner(digest: Uint8Array, signature: Uint8Array): string {
  checkSignatureShape(signature);
  const nobleRecovered = new Uint8Array(SIGNATURE_BYTE_LENGTH);
  nobleRecovered[0] = signature[64]! - 27;
  nobleRecovered.set(signature.subarray(0, 64), 1);
  let publicKey: Uint8Array;
  try {
    publicKey = secp256k1.recoverPublicKey(nobleRecovered, digest, { prehash: false });
  } catch (error) {
    throw new ProtocolError('bad_signature', `no public key recovers from this signature (${(error as Error).message})`, 'sig');
  }
  return addressFromPublicKey(publicKey);
}

/** Checks that the seal is signed by the key of the meter it names; throws `signer_mismatch` otherwise. */
export function verifySeal(seal: SealRecord): void {
  const digest = sha256(encodeSealBytes(seal));
  const signer = recoverDigestSigner(digest, hexToBytes(seal.sig, SIGNATURE_BYTE_LENGTH, 'sig'));
  if (signer !== seal.meter) {
    throw new ProtocolError('signer_mismatch', `expected a signature by ${seal.meter}, got one by ${signer}`, 'sig');
  }
}
