/**
 * SHA-256 for the firmware: Espruino's native `require("crypto").SHA256`, which takes a string, array or
 * typed array and returns an ArrayBuffer of 32 bytes (DESIGN §9). The bundler keeps `require("crypto")` as a
 * run-time call (it is marked external and listed in the board JSON's `builtin_modules`).
 *
 * Only for the device: on Node, `require("crypto")` has no `SHA256`; tests pass @noble/hashes' `sha256`.
 */
export function nativeSha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(require('crypto').SHA256(bytes));
}
