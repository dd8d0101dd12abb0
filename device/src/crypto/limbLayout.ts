/**
 * Limb layout shared by the field (mod p) and scalar (mod n) arithmetic of the Espruino signer.
 *
 * A 256-bit number is 11 limbs of 24 bits, least significant first, in an `Int32Array(11)`:
 * value = Σ limb[i] · 2^(24·i) (264 bits of room). Why 24 bits: Espruino has no BigInt and keeps integers as
 * int32, but integer-valued doubles are exact below 2^53 (DESIGN §9), and a 24×24-bit product (< 2^48) summed
 * over the 11 terms of a schoolbook column stays below 2^52. A column is split into limb and carry with
 * `Math.floor(v / 0x1000000)`, never with bitwise operators, which cut to 32 bits.
 */
export const LIMB_COUNT = 11;
/** 2^24, written out: `Math.pow` is inexact on Espruino. */
export const LIMB_BASE = 0x1000000;

/** A fresh zero number in limb layout. */
export function newLimbs(): Int32Array {
  return new Int32Array(LIMB_COUNT);
}

/**
 * Reads a 32-byte big-endian number into limbs. Byte j from the end (weight 2^(8j)) lands in limb ⌊j/3⌋.
 */
export function limbsFromBytes(out: Int32Array, bytes: Uint8Array): void {
  out.fill(0);
  for (let j = 0; j < 32; j++) {
    const limb = (j / 3) | 0;
    const shift = (j - limb * 3) * 8;
    out[limb] = out[limb]! | (bytes[31 - j]! << shift);
  }
}

/** Writes a number below 2^256 whose limbs are normalised (each < 2^24) as 32 big-endian bytes. */
export function limbsToBytes(out: Uint8Array, offset: number, value: Int32Array): void {
  for (let j = 0; j < 32; j++) {
    const limb = (j / 3) | 0;
    const shift = (j - limb * 3) * 8;
    out[offset + 31 - j] = (value[limb]! >> shift) & 0xff;
  }
}

/** -1, 0 or 1 as a < b, a = b, a > b, for normalised limbs. */
export function compareLimbs(a: Int32Array, b: Int32Array): number {
  for (let i = LIMB_COUNT - 1; i >= 0; i--) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/** True when every limb is zero. */
export function isZeroLimbs(a: Int32Array): boolean {
  for (let i = 0; i < LIMB_COUNT; i++) if (a[i]! !== 0) return false;
  return true;
}

/** Parses a big-endian hex string of up to 66 digits into limbs (used for the curve constants only). */
export function limbsFromHex(hex: string): Int32Array {
  const out = newLimbs();
  let end = hex.length;
  for (let i = 0; i < LIMB_COUNT && end > 0; i++) {
    const start = end - 6 < 0 ? 0 : end - 6;
    out[i] = parseInt(hex.substring(start, end), 16);
    end = start;
  }
  return out;
}
