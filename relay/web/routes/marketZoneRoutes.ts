/**
 * A zone's market in public: cleared intervals (price, volume, book depth) and its trades as energy, price and
 * time only. Both are figures over several households, so both follow the aggregate privacy rule
 * (`store/queries/aggregatePrivacy.ts`, docs/api.md §Privacy rule): a zone with fewer than 5 active meters gets
 * empty lists with `isWithheld: true` and the reason. Not a 403: the dashboard's zone view asks for the market of
 * every zone it shows (`relay/web/dashboard/src/zoneView.ts`), and a small zone is a normal state, not a fault.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { listTradesInRange } from '../../store/marketQueries/tradesInRange.ts';
import { listZoneMarketIntervals } from '../../store/marketQueries/zoneMarketIntervals.ts';
import { isAggregateShowable, MIN_METERS_PER_AGGREGATE } from '../../store/queries/aggregatePrivacy.ts';
import { listZones } from '../../store/queries/listZones.ts';
import type { RelayDatabase } from '../../store/relayDatabase.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { timeRangeQuerySchema, ZoneParamsSchema } from '../apiSchemas.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { TradeStatusSchema } from './marketSchemas.ts';

const MAX_SPAN_S = 92 * 86_400;

const BookLevelSchema = z
  .object({
    side: z.enum(['sell', 'buy']),
    limitPriceMicroPerKWh: z.number().int(),
    energyWh: z.number().int().openapi({ description: 'energy of all orders on this side at this limit' }),
    orderCount: z.number().int(),
  })
  .openapi('BookLevel');

const MarketIntervalSchema = z
  .object({
    startS: z.number().int(),
    endS: z.number().int(),
    clearingPriceMicroPerKWh: z.number().int().nullable().openapi({ description: 'uniform clearing price; null when the book did not cross' }),
    autoPriceMicroPerKWh: z.number().int(),
    tradedWh: z.number().int().openapi({ description: 'matched energy' }),
    tradeCount: z.number().int(),
    orderCount: z.number().int(),
    orders: z.array(BookLevelSchema).openapi({ description: 'order book depth summed per side and limit; sells ascending, buys descending' }),
  })
  .openapi('MarketInterval');

const ZoneTradeSchema = z
  .object({
    intervalStartS: z.number().int(),
    energyWh: z.number().int().openapi({ description: 'delivered energy once settled, else matched energy' }),
    tradedWh: z.number().int(),
    priceMicroPerKWh: z.number().int(),
    amountMicro: z.string().openapi({ description: 'micro-units of the settlement token, decimal' }),
    status: TradeStatusSchema,
  })
  .openapi('ZoneTrade');

const zoneErrors = {
  400: errorResponse('bad zone or range'),
  404: errorResponse('no such zone'),
} as const;

const WithheldSchema = {
  isWithheld: z.boolean().openapi({ description: `true when the zone has fewer than ${MIN_METERS_PER_AGGREGATE} active meters: the lists are empty` }),
  withheld: z
    .object({ code: z.literal('aggregate_too_small'), message: z.string() })
    .nullable()
    .openapi({ description: 'why the lists are empty, when they are withheld' }),
};

const intervalsRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones/{zone}/intervals',
  tags: ['zones', 'market'],
  summary: `Cleared market intervals of a zone starting in [from, to); only zones of ≥ ${MIN_METERS_PER_AGGREGATE} meters`,
  request: { params: ZoneParamsSchema, query: timeRangeQuerySchema({ maxSpanS: MAX_SPAN_S, defaultLimit: 2_000, maxLimit: 10_000 }) },
  responses: {
    200: {
      description: 'intervals in time order',
      content: { 'application/json': { schema: z.object({ zone: z.string(), intervals: z.array(MarketIntervalSchema), isTruncated: z.boolean(), ...WithheldSchema }) } },
    },
    ...zoneErrors,
  },
});

const tradesRoute = createRoute({
  method: 'get',
  path: '/api/v1/zones/{zone}/trades',
  tags: ['zones', 'market'],
  summary: `A zone’s trades in intervals starting in [from, to): energy, price and time, no household; only zones of ≥ ${MIN_METERS_PER_AGGREGATE} meters`,
  request: { params: ZoneParamsSchema, query: timeRangeQuerySchema({ maxSpanS: MAX_SPAN_S, defaultLimit: 1_000, maxLimit: 5_000 }) },
  responses: {
    200: {
      description: 'trades, newest interval first',
      content: { 'application/json': { schema: z.object({ zone: z.string(), trades: z.array(ZoneTradeSchema), isTruncated: z.boolean(), ...WithheldSchema }) } },
    },
    ...zoneErrors,
  },
});

/** Why a zone's market is withheld, or null when it may be shown; 404 for a zone without active meters. */
async function withheldReason(db: RelayDatabase, zone: string): Promise<{ code: 'aggregate_too_small'; message: string } | null> {
  const summary = (await listZones(db)).find((candidate) => candidate.zone === zone);
  if (summary === undefined) throw httpFailure(404, 'unknown_zone', `no active meter is in zone ${zone}`);
  if (isAggregateShowable(summary.meterCount)) return null;
  return {
    code: 'aggregate_too_small',
    message: `zone ${zone} has ${summary.meterCount} active meters; market figures are served only over at least ${MIN_METERS_PER_AGGREGATE}, so that no household can be singled out`,
  };
}

/** `GET /api/v1/zones/{zone}/intervals` and `GET /api/v1/zones/{zone}/trades`. */
export function registerMarketZoneRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(intervalsRoute, async (c) => {
    const { zone } = c.req.valid('param');
    const { from, to, limit } = c.req.valid('query');
    const withheld = await withheldReason(deps.db, zone);
    if (withheld !== null) return c.json({ zone, intervals: [], isTruncated: false, isWithheld: true, withheld }, 200);
    const intervals = await listZoneMarketIntervals(deps.db, { zone, fromS: from, toS: to, limit });
    return c.json({ zone, intervals, isTruncated: intervals.length === limit, isWithheld: false, withheld: null }, 200);
  });

  app.openapi(tradesRoute, async (c) => {
    const { zone } = c.req.valid('param');
    const { from, to, limit } = c.req.valid('query');
    const withheld = await withheldReason(deps.db, zone);
    if (withheld !== null) return c.json({ zone, trades: [], isTruncated: false, isWithheld: true, withheld }, 200);
    const rows = await listTradesInRange(deps.db, { zone, fromS: from, toS: to, limit });
    // Energy, price and time only: no seller, buyer, meter or transaction (a settlement transaction names both parties).
    const trades = rows.map((trade) => ({
      intervalStartS: trade.intervalStartS,
      energyWh: trade.energyWh,
      tradedWh: trade.tradedWh,
      priceMicroPerKWh: trade.priceMicroPerKWh,
      amountMicro: trade.amountMicro,
      status: trade.status,
    }));
    return c.json({ zone, trades, isTruncated: rows.length === limit, isWithheld: false, withheld: null }, 200);
  });
}
