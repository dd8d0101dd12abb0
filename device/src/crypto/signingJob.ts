import { FixedBaseComb } from './fixedBaseComb.ts';
import { newFieldInverse, newScalarInverse } from './fermatInverse.ts';
import { jacobianToAffine } from './jacobianToAffine.ts';
import {
  compareLimbs,
  isZeroLimbs,
  limbsFromBytes,
  limbsFromHex,
  limbsToBytes,
  newLimbs,
} from './limbLayout.ts';
import { limbProductCounter } from './limbProductCounter.ts';
import { Rfc6979NonceGenerator } from './rfc6979NonceGenerator.ts';
import { scalarN } from './scalarN.ts';
import type { Sha256Function } from './sha256Function.ts';
import { signerError } from './signerError.ts';
import type { StepwisePower } from './stepwisePower.ts';

/** ⌊n/2⌋: s above it is replaced by n − s (low-S, EIP-2 / BIP-62). */
const HALF_N = limbsFromHex('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0');
/** Bytes in r ‖ s ‖ v. */
export const RECOVERABLE_SIGNATURE_BYTES = 65;

const PHASE_NONCE = 0;
const PHASE_COMB = 1;
const PHASE_Z_INVERSE = 2;
const PHASE_K_INVERSE = 3;
const PHASE_DONE = 4;

/**
 * Checks a 32-byte input; throws a `SignerError` saying what was expected and what came.
 */
export function checkBytes32(value: Uint8Array, code: string, what: string): void {
  if (!(value instanceof Uint8Array)) throw signerError(code, `expected ${what} as a Uint8Array of 32 bytes, got ${typeof value}`);
  if (value.length !== 32) throw signerError(code, `expected ${what} of 32 bytes, got ${value.length}`);
}

/**
 * A secp256k1 ECDSA signature computed a slice at a time, so that the firmware can run one slice per
 * event-loop turn (`setTimeout(…, 0)`) and keep sampling and MQTT alive.
 *
 * Steps (SEC 1 v2 §4.1.3, RFC 6979 §3.2): nonce k from the HMAC_DRBG; R = k · G with the fixed-base comb;
 * Z^−1 by Fermat; r = x_R mod n; s = k^−1 · (z + r · d) mod n with k^−1 by Fermat; low-S (s > n/2 → n − s,
 * recovery bit flipped). Output r ‖ s ‖ v with v = 27 + recovery bit, the order `ecrecover` takes (bit 1 of
 * the recovery id, x_R ≥ n, has probability ~2^−128 and would give v = 29/30).
 *
 * Cost, in 24-bit limb products (see `limbProductCounter`; reduction folds counted too): ≈ 86 000 (comb)
 * + 35 000 (Z^−1) + 61 000 (k^−1) + 1 000 ≈ 183 000 per signature on average, 189 000 at most seen — below
 * the 200 000 budget of DESIGN §9. At DESIGN's 5 µs per product that is ≈ 0.9 s of interpreter time; measured
 * on Espruino 2v29 (Linux build, idle desktop-class core): 1.1 s, ≈ 6 µs per product, thanks to the unrolled
 * generated arithmetic (`generateModularArithmetic.ts`).
 *
 * Slices: the largest indivisible one is the affine conversion with r · d (≈ 780 products ≈ 4 ms on that
 * core); a mixed point addition is split in four (≤ ≈ 540 products each). `step(4000)` stays well below
 * 50 ms per event-loop turn there; an ESP32 is 10–100× slower, so the firmware should shrink its slice.
 *
 * @example
 * const job = createSigningJob(key, digest, nativeSha256);
 * const turn = () => (job.step(4000) ? publish(job.result()) : setTimeout(turn, 0));
 * turn();
 */
export class SigningJob {
  private phase: number;
  private readonly nonces: Rfc6979NonceGenerator;
  private readonly d: Int32Array;
  private readonly z: Int32Array;
  private readonly k: Int32Array;
  private readonly t: Int32Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  private readonly comb: FixedBaseComb;
  private readonly zInverse: StepwisePower;
  private readonly kInverse: StepwisePower;
  private recoveryBit: number;
  private readonly signature: Uint8Array;

  constructor(privateKey: Uint8Array, digest: Uint8Array, sha256: Sha256Function) {
    checkBytes32(privateKey, 'bad_private_key', 'a private key');
    checkBytes32(digest, 'bad_digest', 'a digest');
    this.d = newLimbs();
    limbsFromBytes(this.d, privateKey);
    if (isZeroLimbs(this.d) || compareLimbs(this.d, scalarN.modulus) >= 0) {
      throw signerError('bad_private_key', 'expected a private key in 1 … n − 1, got one outside');
    }
    // z = bits2int(h1) mod n; its 32 bytes are bits2octets(h1) (RFC 6979 §2.3.4).
    this.z = newLimbs();
    limbsFromBytes(this.z, digest);
    scalarN.canonical(this.z, this.z);
    const digestOctets = new Uint8Array(32);
    limbsToBytes(digestOctets, 0, this.z);
    this.nonces = new Rfc6979NonceGenerator(sha256, privateKey, digestOctets);
    this.k = newLimbs();
    this.t = newLimbs();
    this.x = newLimbs();
    this.y = newLimbs();
    this.comb = new FixedBaseComb();
    this.zInverse = newFieldInverse();
    this.kInverse = newScalarInverse();
    this.recoveryBit = 0;
    this.signature = new Uint8Array(RECOVERABLE_SIGNATURE_BYTES);
    this.phase = PHASE_NONCE;
  }

  /**
   * Runs slices until at least `maxLimbProducts` limb products were spent (at least one slice, at most one
   * slice more than the budget) or the signature is complete. Returns true when it is.
   */
  step(maxLimbProducts: number): boolean {
    const start = limbProductCounter.products;
    while (this.phase !== PHASE_DONE) {
      this.runSlice();
      if (limbProductCounter.products - start >= maxLimbProducts) break;
    }
    return this.phase === PHASE_DONE;
  }

  /** True once the signature is complete. */
  isDone(): boolean {
    return this.phase === PHASE_DONE;
  }

  /** The 65-byte signature r ‖ s ‖ v; throws `not_finished` before {@link step} returned true. */
  result(): Uint8Array {
    if (this.phase !== PHASE_DONE) throw signerError('not_finished', 'expected a finished signing job, got one still running');
    return this.signature;
  }

  private runSlice(): void {
    if (this.phase === PHASE_NONCE) {
      limbsFromBytes(this.k, this.nonces.next());
      // RFC 6979 §3.2 h.3: keep k only if 1 ≤ k < n.
      if (isZeroLimbs(this.k) || compareLimbs(this.k, scalarN.modulus) >= 0) return;
      this.comb.start(this.k);
      this.phase = PHASE_COMB;
    } else if (this.phase === PHASE_COMB) {
      if (this.comb.stepOnce()) {
        this.zInverse.start(this.comb.sum.z);
        this.phase = PHASE_Z_INVERSE;
      }
    } else if (this.phase === PHASE_Z_INVERSE) {
      if (this.zInverse.stepOnce()) this.computeR();
    } else if (this.phase === PHASE_K_INVERSE) {
      if (this.kInverse.stepOnce()) this.computeS();
    }
  }

  /** R affine; r = x mod n; t = z + r · d; then k^−1. */
  private computeR(): void {
    jacobianToAffine(this.comb.sum, this.zInverse.result(), this.x, this.y);
    this.recoveryBit = (this.y[0]! & 1) | (compareLimbs(this.x, scalarN.modulus) >= 0 ? 2 : 0);
    const r = this.x;
    scalarN.canonical(r, r);
    if (isZeroLimbs(r)) {
      this.phase = PHASE_NONCE;
      return;
    }
    limbsToBytes(this.signature, 0, r);
    scalarN.mul(this.t, r, this.d);
    scalarN.add(this.t, this.t, this.z);
    this.kInverse.start(this.k);
    this.phase = PHASE_K_INVERSE;
  }

  /** s = k^−1 · t, low-S, then r ‖ s ‖ v. */
  private computeS(): void {
    const s = this.y;
    scalarN.mul(s, this.kInverse.result(), this.t);
    scalarN.canonical(s, s);
    if (isZeroLimbs(s)) {
      this.phase = PHASE_NONCE;
      return;
    }
    if (compareLimbs(s, HALF_N) > 0) {
      scalarN.sub(s, scalarN.modulus, s);
      scalarN.canonical(s, s);
      this.recoveryBit ^= 1;
    }
    limbsToBytes(this.signature, 32, s);
    this.signature[64] = 27 + this.recoveryBit;
    this.phase = PHASE_DONE;
  }
}

/**
 * Starts a resumable signature of a 32-byte digest (the caller hashed the message already).
 * Throws `bad_private_key` / `bad_digest` for wrong inputs.
 */
export function createSigningJob(privateKey: Uint8Array, digest: Uint8Array, sha256: Sha256Function): SigningJob {
  return new SigningJob(privateKey, digest, sha256);
}
