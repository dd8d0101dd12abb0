import { createRoute } from '@hono/zod-openapi';
import { jsonBodyLimit } from '../jsonBodyLimit.ts';
import { ChallengeRequestSchema, ChallengeSchema, SessionSchema, VerifyRequestSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';

const MAX_AUTH_BODY_BYTES = 8_192;

const challengeRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/challenge',
  tags: ['auth'],
  summary: 'Ask for an EIP-4361 sign-in message with a single-use nonce',
  middleware: [jsonBodyLimit(MAX_AUTH_BODY_BYTES)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ChallengeRequestSchema } } } },
  responses: {
    200: { description: 'the message to sign', content: { 'application/json': { schema: ChallengeSchema } } },
    400: errorResponse('bad address'),
    413: errorResponse('body too large'),
  },
});

const verifyRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/verify',
  tags: ['auth'],
  summary: 'Trade a signed challenge for a session token',
  middleware: [jsonBodyLimit(MAX_AUTH_BODY_BYTES)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: VerifyRequestSchema } } } },
  responses: {
    200: { description: 'signed in', content: { 'application/json': { schema: SessionSchema } } },
    400: errorResponse('not the message this relay issued'),
    401: errorResponse('bad signature, replayed or expired challenge'),
    413: errorResponse('body too large'),
  },
});

/** Owner sign-in (EIP-4361): challenge, then verify. */
export function registerAuthRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(challengeRoute, (c) => {
    const { address } = c.req.valid('json');
    const { message, nonce, expiresAtMs } = deps.signIn.challenge(address);
    return c.json({ message, nonce, expiresAt: new Date(expiresAtMs).toISOString() }, 200);
  });

  app.openapi(verifyRoute, async (c) => {
    const { message, signature } = c.req.valid('json');
    const { token, address, expiresAtMs } = await deps.signIn.complete(message, signature);
    return c.json({ token, address, expiresAt: new Date(expiresAtMs).toISOString() }, 200);
  });
}
