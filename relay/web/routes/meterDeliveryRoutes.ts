/**
 * Delivery state (docs/api.md §Delivery): how far the relay holds a meter's chain — watermark, highest stored seq,
 * open gaps it is asking the meter to resend and gaps abandoned for good. One meter for its owner (the rule of
 * readings and seals), every meter for the operator's status view in one request.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { findMeter } from '../../store/queries/findMeter.ts';
import { listMeterDelivery, MAX_GAPS_LISTED, meterDelivery } from '../../store/queries/meterDelivery.ts';
import { AddressSchema, DeliveryStateSchema, MeterDeliverySchema, MeterParamsSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { operatorAuth } from '../operatorAuth.ts';
import { requireOwner, requireSession } from '../ownerSession.ts';

const MAX_DELIVERY_PAGE = 500;
/** Gaps of each kind per meter in the operator's listing; the counts still cover all of them. */
export const LISTING_GAPS_PER_METER = 50;

const meterDeliveryRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/delivery',
  tags: ['meters', 'owner'],
  summary: 'How far the relay holds the meter’s chain: watermark, open and abandoned gaps (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema },
  responses: {
    200: { description: `the meter’s delivery state; at most ${MAX_GAPS_LISTED} gaps of each kind (the newest)`, content: { 'application/json': { schema: MeterDeliverySchema } } },
    400: errorResponse('bad address'),
    401: errorResponse('not signed in, or the token is bad or expired'),
    403: errorResponse('signed in, but not the meter’s owner'),
    404: errorResponse('no such meter'),
  },
});

const deliveryListRoute = createRoute({
  method: 'get',
  path: '/api/v1/delivery',
  tags: ['operator'],
  summary: 'Delivery state of every registered meter, in address order (operator only)',
  security: [{ operatorToken: [] }],
  request: {
    query: z.object({
      after: AddressSchema.optional().openapi({ param: { description: 'cursor: the last meter of the previous page' } }),
      limit: z
        .string()
        .optional()
        .refine((text) => text === undefined || (/^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_DELIVERY_PAGE), {
          message: `expected an integer page size 1 … ${MAX_DELIVERY_PAGE}`,
          params: { code: 'bad_limit' },
        })
        .transform((text) => (text === undefined ? 100 : Number(text))),
    }),
  },
  responses: {
    200: {
      description: `one page of meters; at most ${LISTING_GAPS_PER_METER} gaps of each kind per meter (the newest), no record counts`,
      content: { 'application/json': { schema: z.object({ meters: z.array(DeliveryStateSchema), nextAfter: z.string().nullable() }) } },
    },
    400: errorResponse('bad query'),
    401: errorResponse('no bearer token'),
    403: errorResponse('not the operator token'),
  },
});

/** The delivery routes: one meter for its owner, all meters for the operator. */
export function registerMeterDeliveryRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(meterDeliveryRoute, async (c) => {
    const { address } = c.req.valid('param');
    const session = requireSession(c, deps.signIn);
    const found = await findMeter(deps.db, address);
    if (found === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
    requireOwner(session, address, found.ownerAddress);
    const delivery = await meterDelivery(deps.db, address);
    // The meter row went away between the two reads: as unknown as any other.
    if (delivery === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
    return c.json(delivery, 200);
  });

  app.use(deliveryListRoute.getRoutingPath(), operatorAuth(deps.operatorToken));
  app.openapi(deliveryListRoute, async (c) => {
    const { after, limit } = c.req.valid('query');
    const meters = await listMeterDelivery(deps.db, { after, limit, gapsPerMeter: LISTING_GAPS_PER_METER });
    const nextAfter = meters.length === limit ? meters[meters.length - 1]!.meter : null;
    return c.json({ meters, nextAfter }, 200);
  });
}
