/** An error with a stable `code`, as the firmware reports it (see `signerError`). */
export interface SignerError extends Error {
  code: string;
}

/**
 * Builds an `Error` carrying a stable `code`. A plain `Error` with a property, not a subclass: on Espruino
 * `class X extends Error` loses the message passed to `super` (DESIGN §9).
 *
 * @example throw signerError('bad_private_key', 'expected 32 bytes, got 31');
 */
export function signerError(code: string, message: string): SignerError {
  const error = new Error(message) as SignerError;
  error.code = code;
  return error;
}
