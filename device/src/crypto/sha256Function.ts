/**
 * The one hash the signer needs, injected so that the same code runs on Node (tests pass @noble/hashes'
 * `sha256`) and on Espruino (the firmware passes `nativeSha256`, built on `require("crypto").SHA256`).
 */
export type Sha256Function = (bytes: Uint8Array) => Uint8Array;
