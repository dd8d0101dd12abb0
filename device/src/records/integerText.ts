/**
 * Decimal text of an integer-valued number, digit by digit. Espruino prints large doubles in its own way
 * (DESIGN §9: "floats print differently from V8"); a 48-bit register must appear on the wire exactly, so it is
 * spelled out with `% 10` and division, both exact on integer-valued doubles below 2^53.
 */
export function integerText(value: number): string {
  if (value === 0) return '0';
  let rest = value < 0 ? -value : value;
  let digits = '';
  while (rest > 0) {
    const digit = rest % 10;
    digits = String.fromCharCode(48 + digit) + digits;
    rest = (rest - digit) / 10;
  }
  return value < 0 ? '-' + digits : digits;
}
