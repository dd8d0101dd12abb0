import { ProtocolError } from './protocolError.ts';

/** Byte length of a recoverable signature r ‖ s ‖ v. */
export const SIGNATURE_BYTE_LENGTH = 65;

/** secp256k1 group order n (SEC 2 §2.4.1). */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_ORDER = SECP256K1_ORDER >> 1n;

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * Refuses, before any curve arithmetic, what `ecrecover` would refuse or what would make the signature
 * malleable: a length other than 65, v not 27/28, r or s zero or ≥ n, s > n/2 (EIP-2).
 */
export function checkSignatureShape(signature: Uint8Array): void {
  if (signature.length !== SIGNATURE_BYTE_LENGTH) {
    throw new ProtocolError('wrong_length', `expected ${SIGNATURE_BYTE_LENGTH} bytes, got ${signature.length}`, 'sig');
  }
  const v = signature[64]!;
  if (v !== 27 && v !== 28) throw new ProtocolError('bad_recovery_id', `expected v = 27 or 28, got ${v}`, 'sig');
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32, 64));
  if (r === 0n || r >= SECP256K1_ORDER) throw new ProtocolError('bad_signature', 'expected 0 < r < n', 'sig');
  if (s === 0n || s >= SECP256K1_ORDER) throw new ProtocolError('bad_signature', 'expected 0 < s < n', 'sig');
  if (s > HALF_ORDER) throw new ProtocolError('high_s', 'expected low-S (s ≤ n/2), got high-S', 'sig');
}
