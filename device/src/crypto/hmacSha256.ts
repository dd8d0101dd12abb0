import type { Sha256Function } from './sha256Function.ts';

/** SHA-256 block size in bytes (FIPS 180-4 §5.3.2). */
const BLOCK_BYTES = 64;

/**
 * HMAC-SHA256 (RFC 2104 §2) over an injected SHA-256. Keys longer than a block are hashed first.
 *
 * @example hmacSha256(sha256, key, message) // 32 bytes
 */
export function hmacSha256(sha256: Sha256Function, key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(BLOCK_BYTES);
  block.set(key.length > BLOCK_BYTES ? sha256(key) : key);
  const inner = new Uint8Array(BLOCK_BYTES + message.length);
  const outer = new Uint8Array(BLOCK_BYTES + 32);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  inner.set(message, BLOCK_BYTES);
  outer.set(sha256(inner), BLOCK_BYTES);
  return sha256(outer);
}
