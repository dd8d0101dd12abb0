import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from './hex.ts';

/**
 * Ethereum-style address of a secp256k1 public key: the last 20 bytes of keccak-256 over the 64-byte
 * uncompressed point (without the 0x04 prefix), as `ecrecover` returns it (Ethereum Yellow Paper, Appendix F).
 */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  const uncompressed = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12));
}

/** The meter id that belongs to a private key. */
export function addressFromPrivateKey(privateKey: Uint8Array): string {
  return addressFromPublicKey(secp256k1.getPublicKey(privateKey, false));
}
