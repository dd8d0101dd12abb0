import { createRoute, z } from '@hono/zod-openapi';
import { listRejections } from '../../store/queries/listRejections.ts';
import { AddressSchema, RejectionSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { operatorAuth } from '../operatorAuth.ts';

const MAX_REJECTIONS_PAGE = 1_000;

const rejectionsRoute = createRoute({
  method: 'get',
  path: '/api/v1/rejections',
  tags: ['operator'],
  summary: 'Refused inputs, newest first, with their stable codes (operator only)',
  security: [{ operatorToken: [] }],
  request: {
    query: z.object({
      code: z
        .string()
        .optional()
        .refine((text) => text === undefined || /^[a-z_]{1,40}$/.test(text), { message: 'expected a rejection code such as bad_signature', params: { code: 'bad_code' } }),
      meter: AddressSchema.optional(),
      beforeId: z
        .string()
        .optional()
        .refine((text) => text === undefined || /^\d{1,15}$/.test(text), { message: 'expected a rejection id', params: { code: 'bad_cursor' } })
        .transform((text) => (text === undefined ? undefined : Number(text)))
        .openapi({ param: { description: 'cursor: the last id of the previous page' } }),
      limit: z
        .string()
        .optional()
        .refine((text) => text === undefined || (/^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_REJECTIONS_PAGE), {
          message: `expected an integer page size 1 … ${MAX_REJECTIONS_PAGE}`,
          params: { code: 'bad_limit' },
        })
        .transform((text) => (text === undefined ? 100 : Number(text))),
    }),
  },
  responses: {
    200: { description: 'one page', content: { 'application/json': { schema: z.object({ rejections: z.array(RejectionSchema), nextBeforeId: z.number().int().nullable() }) } } },
    400: errorResponse('bad query'),
    401: errorResponse('no bearer token'),
    403: errorResponse('not the operator token'),
  },
});

/** The operator's view of refused inputs. */
export function registerRejectionRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.use(rejectionsRoute.getRoutingPath(), operatorAuth(deps.operatorToken));
  app.openapi(rejectionsRoute, async (c) => {
    const { code, meter, beforeId, limit } = c.req.valid('query');
    const rejections = await listRejections(deps.db, { code, meter, beforeId, limit });
    const nextBeforeId = rejections.length === limit ? rejections[rejections.length - 1]!.id : null;
    return c.json({ rejections, nextBeforeId }, 200);
  });
}
