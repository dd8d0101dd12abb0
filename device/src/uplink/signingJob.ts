/**
 * The shape of the resumable signer in device/src/crypto/: `step(maxLimbProducts)` does a bounded slice of the
 * work and returns true once the signature is ready; `result()` is then r ‖ s ‖ v (65 bytes, v = 27 or 28).
 */
export interface SigningJob {
  step(maxLimbProducts: number): boolean;
  result(): Uint8Array;
}

/** Starts a job signing a 32-byte digest with the meter key (RFC 6979 nonce from the injected SHA-256). */
export type CreateSigningJob = (privateKey: Uint8Array, digest: Uint8Array, sha256: (bytes: Uint8Array) => Uint8Array) => SigningJob;
