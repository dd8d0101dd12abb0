import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bearerToken } from './ownerSession.ts';
import { httpFailure } from './httpFailure.ts';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Lets a request through only with `Authorization: Bearer <PET_OPERATOR_TOKEN>`, compared in constant time
 * (over SHA-256 digests, so the length does not leak either). Without a configured token every operator route
 * refuses with 403 `operator_disabled`.
 */
export function operatorAuth(operatorToken: string | undefined): MiddlewareHandler {
  const expected = operatorToken === undefined ? undefined : sha256(operatorToken);
  return async (c, next) => {
    if (expected === undefined) throw httpFailure(403, 'operator_disabled', 'operator routes are off: set PET_OPERATOR_TOKEN to enable them');
    const token = bearerToken(c);
    if (token === undefined) throw httpFailure(401, 'missing_token', 'expected "Authorization: Bearer <operator token>"');
    if (!timingSafeEqual(sha256(token), expected)) throw httpFailure(403, 'not_operator', 'the bearer token is not the operator token');
    await next();
  };
}
