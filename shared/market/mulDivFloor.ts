/**
 * a × b / c rounded down, exact for non-negative integers of any size the market handles: plain doubles while
 * the product stays below 2^53, bigint beyond. The name carries the rounding direction (cf. Morpho's mulDivDown).
 */

/** ⌊a·b/c⌋ and the remainder a·b − c·⌊a·b/c⌋, for non-negative integers a, b and positive c. */
export function mulDivFloorWithRemainder(a: number, b: number, c: number): [quotient: number, remainder: number] {
  const product = a * b;
  if (product <= Number.MAX_SAFE_INTEGER) return [Math.floor(product / c), product % c];
  const big = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  return [Number(big / divisor), Number(big % divisor)];
}
