import { createRoute, z } from '@hono/zod-openapi';
import { listOwnedMeters } from '../../store/queries/listOwnedMeters.ts';
import { PublicMeterSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { requireSession } from '../ownerSession.ts';

const myMetersRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/meters',
  tags: ['owner'],
  summary: 'The meters the signed-in account owns',
  security: [{ ownerSession: [] }],
  responses: {
    200: { description: 'owned meters', content: { 'application/json': { schema: z.object({ owner: z.string(), meters: z.array(PublicMeterSchema) }) } } },
    401: errorResponse('not signed in, or the token is bad or expired'),
  },
});

/** `/api/v1/me/meters`: lets a dashboard find the signed-in household's meters. */
export function registerMyMetersRoute(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(myMetersRoute, async (c) => {
    const session = requireSession(c, deps.signIn);
    return c.json({ owner: session.address, meters: await listOwnedMeters(deps.db, session.address) }, 200);
  });
}
