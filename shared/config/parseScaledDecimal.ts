/**
 * Exact decimal text → scaled integer, so that human values such as "0.5" (kWh) or "0.02" become integers
 * (500 Wh, 200 basis points) without ever passing through a float.
 */

const decimalPattern = /^(\d+)(?:\.(\d+))?$/;

/** Why a decimal text was refused. */
export type ScaledDecimalFailure = 'not_decimal' | 'too_precise';

/**
 * Parses a non-negative decimal text and multiplies it by 10^`decimals`, exactly.
 * Returns a failure reason instead of throwing so that the caller can name the variable in its error.
 *
 * @example parseScaledDecimal('0.5', 3) // → 500 (kWh → Wh)
 * @example parseScaledDecimal('0.0005', 3) // → 'too_precise' (0.5 Wh is not an integer)
 */
export function parseScaledDecimal(text: string, decimals: number): bigint | ScaledDecimalFailure {
  const match = decimalPattern.exec(text.trim());
  if (match === null) return 'not_decimal';
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return 'too_precise';
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}
