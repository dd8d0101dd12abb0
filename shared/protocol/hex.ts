import { ProtocolError } from './protocolError.ts';

const hexDigits = '0123456789abcdef';

/** Lower-case `0x`-prefixed hex of `bytes`, the only spelling the wire format accepts. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    out += hexDigits[byte >> 4]! + hexDigits[byte & 15]!;
  }
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * Strict decoder: `0x` prefix, lower-case digits only (one spelling per value, so a record has one text form),
 * exactly `byteLength` bytes.
 */
export function hexToBytes(text: string, byteLength: number, field: string): Uint8Array {
  if (text.length < 2 || text[0] !== '0' || text[1] !== 'x') {
    throw new ProtocolError('bad_hex', `expected 0x-prefixed hex, got ${JSON.stringify(text.slice(0, 12))}`, field);
  }
  const digitCount = text.length - 2;
  if (digitCount !== byteLength * 2) {
    throw new ProtocolError('wrong_length', `expected ${byteLength} bytes, got ${digitCount / 2}`, field);
  }
  const out = new Uint8Array(byteLength);
  for (let i = 0; i < byteLength; i++) {
    const high = nibble(text.charCodeAt(2 + i * 2));
    const low = nibble(text.charCodeAt(3 + i * 2));
    if (high < 0 || low < 0) {
      throw new ProtocolError('bad_hex', `expected lower-case hex digits at byte ${i}`, field);
    }
    out[i] = (high << 4) | low;
  }
  return out;
}
