import { createRoute, z } from '@hono/zod-openapi';
import { isAggregateShowable, MIN_METERS_PER_AGGREGATE } from '../../store/queries/aggregatePrivacy.ts';
import { listZones } from '../../store/queries/listZones.ts';
import { zoneIntervalTotals } from '../../store/queries/zoneIntervalTotals.ts';
import { timeRangeQuerySchema, ZoneIntervalSchema, ZoneParamsSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';

const AGGREGATES_MAX_SPAN_S = 92 * 86_400;
const AGGREGATES_MAX_PAGE = 10_000;

const zonesRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones',
  tags: ['zones'],
  summary: 'Grid zones with their number of active meters',
  responses: {
    200: {
      description: 'zones in name order',
      content: {
        'application/json': {
          schema: z.object({
            zones: z.array(z.object({ zone: z.string(), meterCount: z.number().int(), hasAggregates: z.boolean() })),
            minMetersPerAggregate: z.number().int(),
          }),
        },
      },
    },
  },
});

const aggregatesRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones/{zone}/aggregates',
  tags: ['zones'],
  summary: `Metered production, consumption and net flow per interval; only over ≥ ${MIN_METERS_PER_AGGREGATE} meters`,
  description:
    `Privacy rule: an interval is listed only when its totals cover at least ${MIN_METERS_PER_AGGREGATE} meters; ` +
    'smaller ones are withheld (counted in `withheldIntervals`). A zone with fewer active meters is refused with 403 `aggregate_too_small`.',
  request: { params: ZoneParamsSchema, query: timeRangeQuerySchema({ maxSpanS: AGGREGATES_MAX_SPAN_S, defaultLimit: 2_000, maxLimit: AGGREGATES_MAX_PAGE }) },
  responses: {
    200: {
      description: 'intervals in time order',
      content: {
        'application/json': {
          schema: z.object({ zone: z.string(), intervals: z.array(ZoneIntervalSchema), withheldIntervals: z.number().int(), isTruncated: z.boolean() }),
        },
      },
    },
    400: errorResponse('bad zone or range'),
    403: errorResponse(`the zone has fewer than ${MIN_METERS_PER_AGGREGATE} meters`),
    404: errorResponse('no such zone'),
  },
});

/** Zone list and zone aggregates under the privacy rule (`store/queries/aggregatePrivacy.ts`). */
export function registerZoneRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(zonesRoute, async (c) => {
    const zones = (await listZones(deps.db)).map((zone) => ({ ...zone, hasAggregates: isAggregateShowable(zone.meterCount) }));
    return c.json({ zones, minMetersPerAggregate: MIN_METERS_PER_AGGREGATE }, 200);
  });

  app.openapi(aggregatesRoute, async (c) => {
    const { zone } = c.req.valid('param');
    const { from, to, limit } = c.req.valid('query');
    const summary = (await listZones(deps.db)).find((candidate) => candidate.zone === zone);
    if (summary === undefined) throw httpFailure(404, 'unknown_zone', `no active meter is in zone ${zone}`);
    if (!isAggregateShowable(summary.meterCount)) {
      throw httpFailure(
        403,
        'aggregate_too_small',
        `zone ${zone} has ${summary.meterCount} active meters; aggregates are served only over at least ${MIN_METERS_PER_AGGREGATE}, so that no household can be singled out`,
      );
    }
    const totals = await zoneIntervalTotals(deps.db, { zone, fromS: from, toS: to, limit });
    const intervals = totals.filter((total) => isAggregateShowable(total.meterCount));
    return c.json({ zone, intervals, withheldIntervals: totals.length - intervals.length, isTruncated: totals.length === limit }, 200);
  });
}
