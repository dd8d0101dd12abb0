import { createSiweMessage, parseSiweMessage } from 'viem/siwe';
import { verifyMessage, type Hex } from 'viem';
import { AuthError } from './authError.ts';
import { NonceStore } from './nonceStore.ts';
import { issueSessionToken, verifySessionToken, type Session } from './sessionToken.ts';

/** Settings of owner sign-in; the web room builds them from its configuration. */
export interface SignInOptions {
  /** RFC 3986 authority the user signs in to, e.g. `relay.example.org` or `127.0.0.1:8080` (EIP-4361 `domain`). */
  domain: string;
  /** RFC 3986 URI of the relay (EIP-4361 `uri`). */
  uri: string;
  /** EIP-155 chain id where the meters' owners hold their accounts. */
  chainId: number;
  /** How long a challenge may wait for its signature. */
  challengeTtlMs: number;
  /** How long a session token is accepted. */
  sessionTtlMs: number;
  /** HMAC key for session tokens (≥ 32 bytes). */
  sessionSecret: Uint8Array;
  /** Most challenges pending at once. */
  maxPendingChallenges: number;
  /** Clock, Unix ms; tests move it. */
  now?: () => number;
}

/** A challenge for the client to sign with `personal_sign` (EIP-191). */
export interface SignInChallenge {
  message: string;
  nonce: string;
  expiresAtMs: number;
}

/** The result of a completed sign-in. */
export interface SignedIn extends Session {
  token: string;
}

const STATEMENT = 'Sign in to read the meter data you own on this peer-energy-trader relay.';
const addressPattern = /^0x[0-9a-fA-F]{40}$/;
const signaturePattern = /^0x[0-9a-fA-F]{130}$/;

/**
 * Owner sign-in with Ethereum (EIP-4361): `challenge` hands out a message with a single-use nonce, `complete`
 * checks the signed message against what was handed out and returns a stateless session token; `authenticate`
 * turns a token back into its session.
 */
export class SignInService {
  readonly #options: SignInOptions;
  readonly #nonces: NonceStore;
  readonly #now: () => number;

  constructor(options: SignInOptions) {
    if (options.sessionSecret.length < 32) {
      throw new RangeError(`sessionSecret: expected at least 32 bytes, got ${options.sessionSecret.length}`);
    }
    this.#options = options;
    this.#nonces = new NonceStore({ maxEntries: options.maxPendingChallenges });
    this.#now = options.now ?? Date.now;
  }

  /**
   * Builds the EIP-4361 message for `address` (EIP-4361 §"Message Format": domain, address, statement, URI,
   * version 1, chain id, nonce, issued-at, expiration-time).
   *
   * @throws {AuthError} `bad_address`.
   */
  challenge(address: string): SignInChallenge {
    if (!addressPattern.test(address)) {
      throw new AuthError('bad_address', `expected a 0x-prefixed 40-hex-digit address, got ${JSON.stringify(address.slice(0, 50))}`);
    }
    const nowMs = this.#now();
    const expiresAtMs = nowMs + this.#options.challengeTtlMs;
    const nonce = this.#nonces.issue(address, expiresAtMs, nowMs);
    const message = createSiweMessage({
      domain: this.#options.domain,
      // createSiweMessage writes the EIP-55 checksum form, as EIP-4361 requires.
      address: address as Hex,
      statement: STATEMENT,
      uri: this.#options.uri,
      version: '1',
      chainId: this.#options.chainId,
      nonce,
      issuedAt: new Date(nowMs),
      expirationTime: new Date(expiresAtMs),
    });
    return { message, nonce, expiresAtMs };
  }

  /**
   * Checks a signed challenge and opens a session. The nonce is spent once the message names it and its
   * signature is valid, so a replay of the same pair is refused.
   *
   * @throws {AuthError} `bad_message`, `expired_challenge`, `bad_signature` or `unknown_nonce`.
   */
  async complete(message: string, signature: string): Promise<SignedIn> {
    const fields = parseSiweMessage(message);
    const { domain, uri, chainId } = this.#options;
    if (fields.address === undefined || fields.nonce === undefined || fields.version !== '1') {
      throw new AuthError('bad_message', 'expected an EIP-4361 message with address, nonce and version 1, as issued by /api/v1/auth/challenge');
    }
    if (fields.domain !== domain) throw new AuthError('bad_message', `expected domain ${domain}, got ${String(fields.domain)}`);
    if (fields.uri !== uri) throw new AuthError('bad_message', `expected URI ${uri}, got ${String(fields.uri)}`);
    if (fields.chainId !== chainId) throw new AuthError('bad_message', `expected chain id ${chainId}, got ${String(fields.chainId)}`);
    if (fields.expirationTime === undefined || Number.isNaN(fields.expirationTime.getTime())) {
      throw new AuthError('bad_message', 'expected an Expiration Time in RFC 3339 form');
    }
    const nowMs = this.#now();
    if (nowMs >= fields.expirationTime.getTime()) {
      throw new AuthError('expired_challenge', `challenge expired at ${fields.expirationTime.toISOString()}; ask for a new one`);
    }
    if (!signaturePattern.test(signature)) {
      throw new AuthError('bad_signature', `expected a 65-byte 0x-hex signature (132 characters), got ${signature.length} characters`);
    }
    let isValid: boolean;
    try {
      isValid = await verifyMessage({ address: fields.address, message, signature: signature as Hex });
    } catch (cause) {
      throw new AuthError('bad_signature', 'signature could not be recovered to a public key', { cause });
    }
    if (!isValid) throw new AuthError('bad_signature', `signature was not made by ${fields.address}`);

    const check = this.#nonces.consume(fields.nonce, fields.address, nowMs);
    if (check === 'expired') throw new AuthError('expired_challenge', 'challenge expired; ask for a new one');
    if (check !== 'ok') {
      throw new AuthError('unknown_nonce', `nonce ${fields.nonce} is not pending for ${fields.address}: already used, never issued, or evicted`);
    }
    const session: Session = { address: fields.address.toLowerCase(), expiresAtMs: nowMs + this.#options.sessionTtlMs };
    return { ...session, token: issueSessionToken(session, this.#options.sessionSecret) };
  }

  /**
   * The session a token speaks for.
   *
   * @throws {AuthError} `bad_token` or `expired_token`.
   */
  authenticate(token: string): Session {
    return verifySessionToken(token, this.#options.sessionSecret, this.#now());
  }
}
