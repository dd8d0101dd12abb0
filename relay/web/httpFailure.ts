import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One validation problem, as the 400 body lists it. */
export interface FailureIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * Builds the HTTPException every refusal of the API goes through: a JSON body `{ error: { code, message } }`
 * with a stable `code` and a message saying what was expected and what came. This file and `httpErrorHandler.ts`
 * are the only places that know status codes.
 */
export function httpFailure(status: ContentfulStatusCode, code: string, message: string, issues?: FailureIssue[]): HTTPException {
  const body = { error: issues === undefined ? { code, message } : { code, message, issues } };
  return new HTTPException(status, {
    message,
    res: new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } }),
  });
}
