import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { AuthError, type AuthErrorCode } from '../auth/authError.ts';
import { httpFailure } from './httpFailure.ts';

/** Status of each sign-in and session refusal (RFC 9110 §15.5.2: 401 = no or bad credentials). */
const authStatus: Record<AuthErrorCode, 400 | 401> = {
  bad_address: 400,
  bad_message: 400,
  unknown_nonce: 401,
  expired_challenge: 401,
  bad_signature: 401,
  missing_token: 401,
  bad_token: 401,
  expired_token: 401,
};

/**
 * The app's `onError`: turns the rooms' typed errors into HTTP, passes HTTPExceptions through, and answers
 * anything else with a 500 that hides the internals (the error goes to the log).
 */
export function createHttpErrorHandler(logger: Pick<Logger, 'error'>) {
  return (error: Error, c: Context): Response => {
    if (error instanceof AuthError) return httpFailure(authStatus[error.code], error.code, error.message).getResponse();
    if (error instanceof HTTPException) {
      const response = error.getResponse();
      if (response.headers.get('content-type')?.includes('application/json')) return response;
      // Hono's own middleware (body limit, …) throws plain-text HTTPExceptions; keep the JSON shape.
      const code = error.status === 413 ? 'payload_too_large' : `http_${error.status}`;
      return httpFailure(error.status, code, error.message || response.statusText).getResponse();
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return httpFailure(500, 'internal_error', 'the relay failed to answer this request; the operator can find it in the log').getResponse();
  };
}
