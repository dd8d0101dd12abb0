import { randomBytes } from 'node:crypto';

/** A nonce handed out with a challenge, waiting for its one use. */
interface PendingNonce {
  address: string;
  expiresAtMs: number;
}

/** What `consume` found. */
export type NonceCheck = 'ok' | 'unknown' | 'expired' | 'wrong_address';

/**
 * Single-use sign-in nonces held in memory with an expiry and a hard size bound (EIP-4361 §"nonce": a
 * randomized token to prevent replay). When full, expired entries go first, then the oldest pending one: memory
 * stays bounded under a flood of challenges, at the price that a flood can push out an honest pending nonce
 * (that user simply asks for a new challenge).
 *
 * Nonces live in this process only: behind a load balancer, sign-in needs sticky routing for the two requests,
 * while the session token it yields is stateless and works on every relay.
 */
export class NonceStore {
  readonly #pending = new Map<string, PendingNonce>();
  readonly #maxEntries: number;

  constructor(options: { maxEntries: number }) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries: expected a positive integer, got ${options.maxEntries}`);
    }
    this.#maxEntries = options.maxEntries;
  }

  /** Pending nonces right now (expired ones included until they are swept). */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Issues a fresh nonce: 96 bits from the system CSPRNG as 24 hex characters (EIP-4361 asks for ≥ 8
   * alphanumerics). viem's `generateSiweNonce` draws from `Math.random`, which is predictable, so it is not used.
   */
  issue(address: string, expiresAtMs: number, nowMs: number): string {
    if (this.#pending.size >= this.#maxEntries) this.#makeRoom(nowMs);
    const nonce = randomBytes(12).toString('hex');
    this.#pending.set(nonce, { address: address.toLowerCase(), expiresAtMs });
    return nonce;
  }

  /** Removes the nonce whatever the outcome, so that a nonce can be tried at most once. */
  consume(nonce: string, address: string, nowMs: number): NonceCheck {
    const pending = this.#pending.get(nonce);
    if (pending === undefined) return 'unknown';
    this.#pending.delete(nonce);
    if (nowMs >= pending.expiresAtMs) return 'expired';
    if (pending.address !== address.toLowerCase()) return 'wrong_address';
    return 'ok';
  }

  #makeRoom(nowMs: number): void {
    for (const [nonce, pending] of this.#pending) {
      if (nowMs >= pending.expiresAtMs) this.#pending.delete(nonce);
    }
    // Map iteration follows insertion order: the first key is the oldest pending nonce.
    while (this.#pending.size >= this.#maxEntries) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
    }
  }
}
