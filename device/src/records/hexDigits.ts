/**
 * Hex checks without regular expressions: Espruino 2v29's regex engine has no counted quantifiers (`{40}`),
 * no `?` and no groups (each measured on the interpreter: `/^0x[0-9a-f]{40}$/` never matches there).
 */

function isLowerHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102);
}

function isUpperHexDigit(code: number): boolean {
  return code >= 65 && code <= 70;
}

/** True when `text` is exactly `digitCount` hex digits (lower case, or either case with `allowUpper`). */
export function isHexDigits(text: string, digitCount: number, allowUpper: boolean): boolean {
  if (text.length !== digitCount) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isLowerHexDigit(code) && !(allowUpper && isUpperHexDigit(code))) return false;
  }
  return true;
}

/** True for a lower-case `0x` address of 20 bytes, the only spelling the protocol accepts. */
export function isLowerHexAddress(text: string): boolean {
  return text.length === 42 && text.charCodeAt(0) === 48 && text.charCodeAt(1) === 120 && isHexDigits(text.substring(2), 40, false);
}
