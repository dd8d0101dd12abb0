import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError } from './authError.ts';

/** Who a session token speaks for and until when. */
export interface Session {
  /** Lower-case 0x address that signed in. */
  address: string;
  /** Unix milliseconds after which the token is refused. */
  expiresAtMs: number;
}

const TOKEN_PREFIX = 'pet1';
const addressPattern = /^0x[0-9a-f]{40}$/;

function hmacBase64Url(secret: Uint8Array, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}

/**
 * A stateless session token: `pet1.<base64url JSON {a, e}>.<base64url HMAC-SHA256 (RFC 2104) of the first two
 * parts>`. Any relay holding the same secret accepts it; nothing is stored. Tokens cannot be revoked before
 * they expire, so keep their lifetime short.
 *
 * @example
 * const token = issueSessionToken({ address: '0xab…', expiresAtMs: Date.now() + 3_600_000 }, secret);
 */
export function issueSessionToken(session: Session, secret: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify({ a: session.address.toLowerCase(), e: session.expiresAtMs })).toString('base64url');
  const signed = `${TOKEN_PREFIX}.${payload}`;
  return `${signed}.${hmacBase64Url(secret, signed)}`;
}

/**
 * Checks a token's HMAC (in constant time) and expiry and returns its session.
 *
 * @throws {AuthError} `bad_token` when malformed or forged, `expired_token` when past its expiry.
 */
export function verifySessionToken(token: string, secret: Uint8Array, nowMs: number): Session {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX) {
    throw new AuthError('bad_token', `expected a token "${TOKEN_PREFIX}.<payload>.<mac>", got ${parts.length} dot-separated parts`);
  }
  const expected = Buffer.from(hmacBase64Url(secret, `${parts[0]}.${parts[1]}`), 'base64url');
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthError('bad_token', 'token signature does not match: it was not issued by this relay, or was altered');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new AuthError('bad_token', 'token payload is not JSON', { cause });
  }
  const { a: address, e: expiresAtMs } = (payload ?? {}) as { a?: unknown; e?: unknown };
  if (typeof address !== 'string' || !addressPattern.test(address) || typeof expiresAtMs !== 'number') {
    throw new AuthError('bad_token', 'token payload lacks an address or an expiry');
  }
  if (nowMs >= expiresAtMs) {
    throw new AuthError('expired_token', `token expired at ${new Date(expiresAtMs).toISOString()}; sign in again`);
  }
  return { address, expiresAtMs };
}
