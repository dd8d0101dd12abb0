/**
 * Lower-case `0x` hex of bytes, the wire spelling of digests, addresses and signatures (docs/protocol.md).
 * The firmware's own copy: shared/protocol/hex.ts also holds a validating decoder whose error class the
 * interpreter cannot carry (`class extends Error`, DESIGN §9).
 */
import { isHexDigits } from './hexDigits.ts';
const HEX_DIGITS = '0123456789abcdef';

export function bytesToHex(bytes: Uint8Array): string {
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    out += HEX_DIGITS.charAt(byte >> 4) + HEX_DIGITS.charAt(byte & 15);
  }
  return out;
}

/** Decodes lower- or upper-case hex with or without `0x`; returns undefined unless it is exactly `byteLength` bytes. */
export function hexToBytesOrUndefined(text: string, byteLength: number): Uint8Array | undefined {
  const digits = text.indexOf('0x') === 0 ? text.substring(2) : text;
  if (digits.length !== byteLength * 2) return undefined;
  const out = new Uint8Array(byteLength);
  for (let i = 0; i < byteLength; i++) {
    const value = parseInt(digits.substring(i * 2, i * 2 + 2), 16);
    if (isNaN(value) || !isHexDigits(digits.substring(i * 2, i * 2 + 2), 2, true)) return undefined;
    out[i] = value;
  }
  return out;
}
