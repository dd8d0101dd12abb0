import type { Context } from 'hono';
import { AuthError } from '../auth/authError.ts';
import type { Session } from '../auth/sessionToken.ts';
import type { SignInService } from '../auth/signInService.ts';
import { httpFailure } from './httpFailure.ts';

/** The bearer token of a request (RFC 6750 §2.1), or undefined when there is none. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match === null ? undefined : match[1];
}

/**
 * The session of a request that must come from a signed-in owner.
 *
 * @throws {AuthError} `missing_token`, `bad_token` or `expired_token` (401).
 */
export function requireSession(c: Context, signIn: SignInService): Session {
  const token = bearerToken(c);
  if (token === undefined) throw new AuthError('missing_token', 'expected "Authorization: Bearer <token>" from POST /api/v1/auth/verify');
  return signIn.authenticate(token);
}

/** Refuses (403) a signed-in address that does not own the meter. */
export function requireOwner(session: Session, meterAddress: string, ownerAddress: string | null): void {
  if (ownerAddress === null || ownerAddress !== session.address) {
    throw httpFailure(403, 'not_owner', `meter ${meterAddress} detail is served only to its owner; ${session.address} is not its owner`);
  }
}
