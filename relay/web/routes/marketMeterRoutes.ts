/**
 * A household's own market activity, served only to the meter's owner: its trades (with its settlement
 * transactions) and its notifications. The other side of each trade is shown by pseudonym (`marketCounterparty.ts`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { listNotifications } from '../../notify/notifyHouseholds.ts';
import { listTradesInRange } from '../../store/marketQueries/tradesInRange.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { MeterParamsSchema, timeRangeQuerySchema } from '../apiSchemas.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { householdParties } from './marketCounterparty.ts';
import { requireMeterOwner } from './marketMeterAccess.ts';
import { TradeStatusSchema } from './marketSchemas.ts';

const MAX_SPAN_S = 92 * 86_400;
const NOTIFICATIONS_DEFAULT = 50;
const NOTIFICATIONS_MAX = 500;

const ownerErrors = {
  400: errorResponse('bad address, range or limit'),
  401: errorResponse('not signed in, or the token is bad or expired'),
  403: errorResponse('signed in, but not the meter’s owner'),
  404: errorResponse('no such meter'),
} as const;

const HouseholdTradeSchema = z
  .object({
    intervalStartS: z.number().int(),
    zone: z.string().openapi({ description: 'the zone whose auction matched it: the meter’s own, or a parent zone its order climbed to' }),
    side: z.enum(['sell', 'buy']).openapi({ description: 'this meter’s side' }),
    seller: z.string().openapi({ description: 'this meter’s address when it sold, else the counterparty’s pseudonym' }),
    buyer: z.string().openapi({ description: 'this meter’s address when it bought, else the counterparty’s pseudonym' }),
    counterparty: z.string().openapi({ description: '`h-` + 12 hex digits, stable per neighbour; `neighbour` when the relay has no data key' }),
    energyWh: z.number().int().openapi({ description: 'delivered energy once settled, else matched energy' }),
    tradedWh: z.number().int(),
    priceMicroPerKWh: z.number().int(),
    amountMicro: z.string().openapi({ description: 'paid (settled) or due (matched), micro-units, decimal' }),
    gridFeeMicroPerKWh: z.number().int().openapi({ description: 'grid fee per kWh this meter’s side owes for the levels its order climbed (0 for a trade in its own zone)' }),
    status: TradeStatusSchema,
    txHash: z.string().nullable(),
  })
  .openapi('HouseholdTrade');

const NotificationSchema = z
  .object({
    kind: z.string().openapi({ example: 'sold', description: '`sold`, `bought`, `energy-available` or `settled`' }),
    zone: z.string(),
    intervalStartS: z.number().int(),
    body: z.record(z.string(), z.unknown()).openapi({ description: 'the event’s figures; trade parties as in HouseholdTrade' }),
  })
  .openapi('Notification');

const tradesRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/trades',
  tags: ['meters', 'owner', 'market'],
  summary: 'A meter’s trades in intervals starting in [from, to), counterparties by pseudonym (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema, query: timeRangeQuerySchema({ maxSpanS: MAX_SPAN_S, defaultLimit: 1_000, maxLimit: 5_000 }) },
  responses: {
    200: {
      description: 'trades, newest interval first',
      content: { 'application/json': { schema: z.object({ meter: z.string(), trades: z.array(HouseholdTradeSchema), isTruncated: z.boolean() }) } },
    },
    ...ownerErrors,
  },
});

const NotificationsQuerySchema = z.object({
  limit: z
    .string()
    .optional()
    .refine((text) => text === undefined || (/^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= NOTIFICATIONS_MAX), {
      message: `expected an integer page size 1 … ${NOTIFICATIONS_MAX}`,
      params: { code: 'bad_limit' },
    })
    .transform((text) => (text === undefined ? NOTIFICATIONS_DEFAULT : Number(text)))
    .openapi({ param: { description: `how many, newest first; default ${NOTIFICATIONS_DEFAULT}, at most ${NOTIFICATIONS_MAX}` } }),
});

const notificationsRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/notifications',
  tags: ['meters', 'owner', 'market'],
  summary: 'Market notifications of the meter’s household, newest first (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema, query: NotificationsQuerySchema },
  responses: {
    200: { description: 'notifications, newest first', content: { 'application/json': { schema: z.object({ meter: z.string(), notifications: z.array(NotificationSchema) }) } } },
    ...ownerErrors,
  },
});

type Fields = Record<string, unknown>;
const isString = (value: unknown): value is string => typeof value === 'string';

/** `GET /api/v1/meters/{address}/trades` and `GET /api/v1/meters/{address}/notifications`. */
export function registerMarketMeterRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(tradesRoute, async (c) => {
    const { address } = c.req.valid('param');
    const { from, to, limit } = c.req.valid('query');
    const { ownerAddress } = await requireMeterOwner(c, deps, address);
    const rows = await listTradesInRange(deps.db, { meter: address, fromS: from, toS: to, limit });
    const trades = rows.map((trade) => {
      const parties = householdParties(trade, { meter: address, ownerAddress, keyring: deps.dataKeyring });
      return {
        intervalStartS: trade.intervalStartS,
        zone: trade.zone,
        ...parties,
        energyWh: trade.energyWh,
        tradedWh: trade.tradedWh,
        priceMicroPerKWh: trade.priceMicroPerKWh,
        amountMicro: trade.amountMicro,
        gridFeeMicroPerKWh: parties.side === 'sell' ? trade.sellerFeeMicroPerKWh : trade.buyerFeeMicroPerKWh,
        status: trade.status,
        txHash: trade.txHash,
      };
    });
    return c.json({ meter: address, trades, isTruncated: rows.length === limit }, 200);
  });

  app.openapi(notificationsRoute, async (c) => {
    const { address } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const { ownerAddress } = await requireMeterOwner(c, deps, address);
    // Notifications are kept per owner account; those that name meters are kept to this meter's own.
    const stored = await listNotifications(deps.db, ownerAddress, NOTIFICATIONS_MAX);
    const notifications = [];
    for (const notification of stored) {
      const body: Fields = typeof notification.body === 'object' && notification.body !== null ? { ...(notification.body as Fields) } : {};
      const { seller, buyer, sellerMeter, buyerMeter, ...rest } = body;
      const namesMeters = isString(sellerMeter) && isString(buyerMeter);
      if (namesMeters && sellerMeter.toLowerCase() !== address && buyerMeter.toLowerCase() !== address) continue;
      const parties =
        isString(seller) && isString(buyer)
          ? householdParties(
              { seller, buyer, sellerMeter: namesMeters ? sellerMeter : undefined, buyerMeter: namesMeters ? buyerMeter : undefined },
              { meter: address, ownerAddress, keyring: deps.dataKeyring },
            )
          : {};
      notifications.push({ kind: notification.kind, zone: notification.zone, intervalStartS: notification.intervalStartS, body: { ...rest, ...parties } });
      if (notifications.length === limit) break;
    }
    return c.json({ meter: address, notifications }, 200);
  });
}
