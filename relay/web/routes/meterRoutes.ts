import { createRoute, z } from '@hono/zod-openapi';
import { jsonBodyLimit } from '../jsonBodyLimit.ts';
import { findMeter } from '../../store/queries/findMeter.ts';
import { listMeters } from '../../store/queries/listMeters.ts';
import { registerMeter } from '../../store/queries/registerMeter.ts';
import { AddressSchema, MeterParamsSchema, MeterRegistrationSchema, PublicMeterSchema, ZoneNameSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { operatorAuth } from '../operatorAuth.ts';

const MAX_METERS_PAGE = 500;
/** Largest registration body accepted; a registration is a few hundred bytes. */
export const MAX_REGISTRATION_BODY_BYTES = 4_096;

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters',
  tags: ['meters'],
  summary: 'Public fields of the known meters, in address order',
  request: {
    query: z.object({
      zone: ZoneNameSchema.optional().openapi({ param: { description: 'only meters of this zone' } }),
      after: AddressSchema.optional().openapi({ param: { description: 'cursor: the last address of the previous page' } }),
      limit: z
        .string()
        .optional()
        .refine((text) => text === undefined || (/^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_METERS_PAGE), {
          message: `expected an integer page size 1 … ${MAX_METERS_PAGE}`,
          params: { code: 'bad_limit' },
        })
        .transform((text) => (text === undefined ? 100 : Number(text))),
    }),
  },
  responses: {
    200: { description: 'one page of meters', content: { 'application/json': { schema: z.object({ meters: z.array(PublicMeterSchema), nextAfter: z.string().nullable() }) } } },
    400: errorResponse('bad query'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}',
  tags: ['meters'],
  summary: 'Public fields of one meter',
  request: { params: MeterParamsSchema },
  responses: {
    200: { description: 'the meter', content: { 'application/json': { schema: z.object({ meter: PublicMeterSchema }) } } },
    400: errorResponse('bad address'),
    404: errorResponse('no such meter'),
  },
});

const registerRoute = createRoute({
  method: 'post',
  path: '/api/v1/meters',
  tags: ['meters', 'operator'],
  summary: 'Register a meter, or update its zone, owner, technology and nameplate (operator only)',
  security: [{ operatorToken: [] }],
  middleware: [jsonBodyLimit(MAX_REGISTRATION_BODY_BYTES)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: MeterRegistrationSchema } } } },
  responses: {
    200: { description: 'updated an existing meter', content: { 'application/json': { schema: z.object({ meter: PublicMeterSchema }) } } },
    201: { description: 'registered a new meter', content: { 'application/json': { schema: z.object({ meter: PublicMeterSchema }) } } },
    400: errorResponse('bad body'),
    401: errorResponse('no bearer token'),
    403: errorResponse('not the operator token'),
    413: errorResponse(`body over ${MAX_REGISTRATION_BODY_BYTES} bytes`),
  },
});

/** Meter listing, one meter's public fields, and the operator's registration. */
export function registerMeterRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(listRoute, async (c) => {
    const { zone, after, limit } = c.req.valid('query');
    const meters = await listMeters(deps.db, { zone, after, limit });
    const nextAfter = meters.length === limit ? meters[meters.length - 1]!.address : null;
    return c.json({ meters, nextAfter }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { address } = c.req.valid('param');
    const found = await findMeter(deps.db, address);
    if (found === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
    return c.json({ meter: found.meter }, 200);
  });

  // Authenticate before the body is parsed, so that an anonymous caller learns nothing from validation errors.
  app.use(registerRoute.getRoutingPath(), async (c, next) => (c.req.method === 'POST' ? operatorAuth(deps.operatorToken)(c, next) : next()));
  app.openapi(registerRoute, async (c) => {
    const registration = c.req.valid('json');
    const { meter, isNew } = await registerMeter(deps.db, registration);
    deps.logger.info({ meter: meter.address, zone: meter.zone, isNew }, 'meter registered');
    return isNew ? c.json({ meter }, 201) : c.json({ meter }, 200);
  });
}
