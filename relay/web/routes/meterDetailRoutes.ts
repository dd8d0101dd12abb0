import { createRoute, z } from '@hono/zod-openapi';
import { findMeter } from '../../store/queries/findMeter.ts';
import { listReadings } from '../../store/queries/listReadings.ts';
import { listSeals } from '../../store/queries/listSeals.ts';
import { MeterParamsSchema, ReadingSchema, SealSchema, timeRangeQuerySchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { requireOwner, requireSession } from '../ownerSession.ts';

const DAY_S = 86_400;
/** Readings: one week per request at most (a 10 s sampler makes ~60 000 in a week), pages of ≤ 5 000. */
const READINGS_MAX_SPAN_S = 7 * DAY_S;
const READINGS_MAX_PAGE = 5_000;
/** Seals: one quarter per request (≈ 8 800 quarter-hour intervals), pages of ≤ 5 000. */
const SEALS_MAX_SPAN_S = 92 * DAY_S;
const SEALS_MAX_PAGE = 5_000;

const ownerErrors = {
  400: errorResponse('bad address or range'),
  401: errorResponse('not signed in, or the token is bad or expired'),
  403: errorResponse('signed in, but not the meter’s owner'),
  404: errorResponse('no such meter'),
} as const;

const readingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/readings',
  tags: ['meters', 'owner'],
  summary: 'A meter’s samples measured in [from, to), in chain order (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema, query: timeRangeQuerySchema({ maxSpanS: READINGS_MAX_SPAN_S, defaultLimit: 1_000, maxLimit: READINGS_MAX_PAGE, hasCursor: true }) },
  responses: {
    200: {
      description: 'one page of readings; ask again with afterSeq = nextAfterSeq while it is not null',
      content: { 'application/json': { schema: z.object({ meter: z.string(), readings: z.array(ReadingSchema), nextAfterSeq: z.number().int().nullable() }) } },
    },
    ...ownerErrors,
  },
});

const sealsRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/seals',
  tags: ['meters', 'owner'],
  summary: 'A meter’s signed interval seals starting in [from, to) (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema, query: timeRangeQuerySchema({ maxSpanS: SEALS_MAX_SPAN_S, defaultLimit: 1_000, maxLimit: SEALS_MAX_PAGE }) },
  responses: {
    200: { description: 'seals in interval order', content: { 'application/json': { schema: z.object({ meter: z.string(), seals: z.array(SealSchema), isTruncated: z.boolean() }) } } },
    ...ownerErrors,
  },
});

/** A meter's own detail, served only to the account that owns it (meters.owner_address). */
export function registerMeterDetailRoutes(app: ApiApp, deps: ApiDependencies): void {
  async function authorize(c: Parameters<typeof requireSession>[0], address: string): Promise<void> {
    const session = requireSession(c, deps.signIn);
    const found = await findMeter(deps.db, address);
    if (found === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
    requireOwner(session, address, found.ownerAddress);
  }

  app.openapi(readingsRoute, async (c) => {
    const { address } = c.req.valid('param');
    const query = c.req.valid('query');
    const { from, to, limit } = query;
    // The cursor field is added by hasCursor: true, which the conditional spread hides from the type.
    const afterSeq = (query as { afterSeq?: number | undefined }).afterSeq;
    await authorize(c, address);
    const readings = await listReadings(deps.db, { meter: address, fromS: from, toS: to, afterSeq, limit });
    const nextAfterSeq = readings.length === limit ? readings[readings.length - 1]!.seq : null;
    return c.json({ meter: address, readings, nextAfterSeq }, 200);
  });

  app.openapi(sealsRoute, async (c) => {
    const { address } = c.req.valid('param');
    const { from, to, limit } = c.req.valid('query');
    await authorize(c, address);
    const seals = await listSeals(deps.db, { meter: address, fromS: from, toS: to, limit });
    return c.json({ meter: address, seals, isTruncated: seals.length === limit }, 200);
  });
}
