/**
 * A household's standing order (docs/trading_rules.md §Standing orders), read and set by the meter's owner. The
 * relay sizes each interval's order from the forecast; the household only sets its limits.
 *
 * Two request shapes are taken by `PUT`:
 *  - both sides at once, as the dashboard's form sends them (`relay/web/dashboard/src/standingOrderForm.ts`):
 *    `{ "minSellPriceMicroPerKWh": 120000 | null, "maxBuyPriceMicroPerKWh": 300000 | null }`, `null` = "auto";
 *  - one side's limit, keeping the other side as stored: `{ "side": "sell" | "buy", "limitPriceMicroPerKWh": 120000 }`;
 *  - both sides "auto": `{ "mode": "auto" }`.
 * A household may instead sign its order with its wallet for `EnergyListing` (`signedStandingOrderRoutes.ts`).
 * A side set on-chain carries its order's validity window (`sellWindow` / `buyWindow`); GET shows, per side, the
 * order in force now (or, if none is, the next to start), as the market picks it per interval. A PUT sets the
 * sides it names without a window (always valid) and drops the on-chain orders behind them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { StandingOrder, StandingPrice } from '../../../shared/forecast/sizeOrder.ts';
import { sideForInterval } from '../../market/buildIntervalOrders.ts';
import { findStoredStandingOrder } from '../../store/marketQueries/findStandingOrder.ts';
import { deleteChainSides, upsertStandingOrder, type StoredStandingOrder, type ValidityWindow, type WindowedSide } from '../../store/marketQueries/standingOrders.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { MeterParamsSchema } from '../apiSchemas.ts';
import { httpFailure } from '../httpFailure.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { requireMeterOwner } from './marketMeterAccess.ts';
import { PriceMicroPerKWhSchema } from './marketSchemas.ts';
import { registerSignedStandingOrderRoutes } from './signedStandingOrderRoutes.ts';

const StandingPriceSchema = z
  .union([z.object({ kind: z.literal('auto') }), z.object({ kind: z.literal('limit'), priceMicroPerKWh: z.number().int() })])
  .nullable()
  .openapi('StandingPrice', { description: 'null: this side never trades' });

const ValidityWindowSchema = z
  .object({ validFromS: z.number().int(), validUntilS: z.number().int() })
  .openapi('StandingOrderWindow', {
    description: 'Unix seconds, half-open: the side trades in an interval [startS, endS) only when validFromS ≤ startS and endS ≤ validUntilS',
  });

const StandingOrderViewSchema = z
  .object({
    meter: z.string(),
    minSellPriceMicroPerKWh: z.number().int().nullable().openapi({ description: 'the sell limit; null when "auto" or not selling (see `sell`)' }),
    maxBuyPriceMicroPerKWh: z.number().int().nullable().openapi({ description: 'the buy limit; null when "auto" or not buying (see `buy`)' }),
    sell: StandingPriceSchema,
    buy: StandingPriceSchema,
    nameplateW: z.number().int().nullable().openapi({ description: 'caps every order; null only while no order is set and the registration gives none' }),
    isSet: z.boolean().openapi({ description: 'false before the first PUT: nothing is traded for the meter yet, both sides null' }),
    sellWindow: ValidityWindowSchema.optional().openapi({ description: 'present when the sell side came with a window (an on-chain order); absent = always valid' }),
    buyWindow: ValidityWindowSchema.optional().openapi({ description: 'present when the buy side came with a window (an on-chain order); absent = always valid' }),
  })
  .openapi('StandingOrder');

const BothSidesSchema = z
  .object({ minSellPriceMicroPerKWh: PriceMicroPerKWhSchema.nullable(), maxBuyPriceMicroPerKWh: PriceMicroPerKWhSchema.nullable() })
  .strict()
  .openapi('StandingOrderBothSides', { description: 'both limits; null = "auto"' });
const OneSideSchema = z
  .object({ side: z.enum(['sell', 'buy']), limitPriceMicroPerKWh: PriceMicroPerKWhSchema })
  .strict()
  .openapi('StandingOrderOneSide', { description: 'one side’s limit; the other side is kept' });
const AutoSchema = z.object({ mode: z.literal('auto') }).strict().openapi('StandingOrderAuto', { description: 'both sides "auto"' });

const STANDING_ORDER_SHAPES =
  'expected {"minSellPriceMicroPerKWh": integer | null, "maxBuyPriceMicroPerKWh": integer | null}, ' +
  '{"side": "sell" | "buy", "limitPriceMicroPerKWh": integer} or {"mode": "auto"}, prices integers 0 … 1000000000 micro per kWh';

const StandingOrderRequestSchema = z
  .union([BothSidesSchema, OneSideSchema, AutoSchema], {
    error: (issue) => `${STANDING_ORDER_SHAPES}; got ${JSON.stringify(issue.input)?.slice(0, 120) ?? String(issue.input)}`,
  })
  .openapi('StandingOrderRequest');

const ownerErrors = {
  400: errorResponse('bad address or body'),
  401: errorResponse('not signed in, or the token is bad or expired'),
  403: errorResponse('signed in, but not the meter’s owner'),
} as const;

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/standing-order',
  tags: ['meters', 'owner', 'market'],
  summary: 'The meter’s standing order (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema },
  responses: {
    200: { description: 'the standing order (`isSet: false` before one is set)', content: { 'application/json': { schema: StandingOrderViewSchema } } },
    ...ownerErrors,
    404: errorResponse('no such meter'),
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/api/v1/meters/{address}/standing-order',
  tags: ['meters', 'owner', 'market'],
  summary: 'Sets the meter’s standing order; it applies from the next interval (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema, body: { required: true, content: { 'application/json': { schema: StandingOrderRequestSchema } } } },
  responses: {
    200: { description: 'the standing order as stored', content: { 'application/json': { schema: StandingOrderViewSchema } } },
    ...ownerErrors,
    404: errorResponse('no such meter'),
    409: errorResponse('`no_nameplate`: neither a standing order nor the registration gives the meter’s nameplate power'),
  },
});

type StandingOrderRequest = z.infer<typeof StandingOrderRequestSchema>;

const fromLimit = (price: number | null): StandingPrice => (price === null ? { kind: 'auto' } : { kind: 'limit', priceMicroPerKWh: price });
const limitOf = (price: StandingPrice | undefined): number | null => (price?.kind === 'limit' ? price.priceMicroPerKWh : null);

type SideWindows = { sell?: ValidityWindow | undefined; buy?: ValidityWindow | undefined };

function viewOf(meter: string, standing: StandingOrder, windows: SideWindows) {
  return {
    meter,
    minSellPriceMicroPerKWh: limitOf(standing.sell),
    maxBuyPriceMicroPerKWh: limitOf(standing.buy),
    sell: standing.sell ?? null,
    buy: standing.buy ?? null,
    nameplateW: standing.nameplatePowerW,
    isSet: true,
    ...(standing.sell && windows.sell ? { sellWindow: windows.sell } : {}),
    ...(standing.buy && windows.buy ? { buyWindow: windows.buy } : {}),
  };
}

/** The side in force at `nowS`, else the next to start; undefined when every choice has ended. */
function sideAt(choices: readonly WindowedSide[], nowS: number): WindowedSide | undefined {
  return sideForInterval(choices, nowS, nowS + 1) ?? choices.find((side) => side.window === undefined || side.window.validUntilS > nowS);
}

/** What GET shows: each side as the market would pick it now. */
function shownNow(stored: StoredStandingOrder, nowS: number): { standing: StandingOrder; windows: SideWindows } {
  const sell = sideAt(stored.sides.sell, nowS);
  const buy = sideAt(stored.sides.buy, nowS);
  return {
    standing: { participant: stored.standing.participant, nameplatePowerW: stored.standing.nameplatePowerW, ...(sell ? { sell: sell.price } : {}), ...(buy ? { buy: buy.price } : {}) },
    windows: { sell: sell?.window, buy: buy?.window },
  };
}

/** The sides a request names (a PUT replaces them, window and on-chain orders included). */
function namedSides(request: StandingOrderRequest): ('sell' | 'buy')[] {
  return 'side' in request ? [request.side] : ['sell', 'buy'];
}

function sidesOf(request: StandingOrderRequest, current: StandingOrder | undefined): Pick<StandingOrder, 'sell' | 'buy'> {
  if ('mode' in request) return { sell: { kind: 'auto' }, buy: { kind: 'auto' } };
  if ('side' in request) {
    const price: StandingPrice = { kind: 'limit', priceMicroPerKWh: request.limitPriceMicroPerKWh };
    const { sell, buy } = current ?? {};
    return request.side === 'sell' ? { sell: price, ...(buy ? { buy } : {}) } : { ...(sell ? { sell } : {}), buy: price };
  }
  return { sell: fromLimit(request.minSellPriceMicroPerKWh), buy: fromLimit(request.maxBuyPriceMicroPerKWh) };
}

/** `GET` and `PUT /api/v1/meters/{address}/standing-order`, and the signed (EIP-712, gasless) routes beside them. */
export function registerMarketStandingOrderRoutes(app: ApiApp, deps: ApiDependencies): void {
  registerSignedStandingOrderRoutes(app, deps);
  app.openapi(getRoute, async (c) => {
    const { address } = c.req.valid('param');
    const { meter } = await requireMeterOwner(c, deps, address);
    const stored = await findStoredStandingOrder(deps.db, address);
    // No order yet is a state, not an error: the dashboard's form opens on it (and a 404 would read as a fault).
    if (stored === undefined) {
      return c.json({ meter: address, minSellPriceMicroPerKWh: null, maxBuyPriceMicroPerKWh: null, sell: null, buy: null, nameplateW: meter.nameplateW, isSet: false }, 200);
    }
    const { standing, windows } = shownNow(stored, Math.floor(deps.now() / 1000));
    return c.json(viewOf(address, standing, windows), 200);
  });

  app.openapi(putRoute, async (c) => {
    const { address } = c.req.valid('param');
    const request = c.req.valid('json');
    const { meter, ownerAddress } = await requireMeterOwner(c, deps, address);
    const stored = await findStoredStandingOrder(deps.db, address);
    const current = stored?.standing;
    const nameplatePowerW = current?.nameplatePowerW ?? meter.nameplateW;
    if (nameplatePowerW === null || nameplatePowerW === undefined) {
      throw httpFailure(409, 'no_nameplate', `meter ${address} has no nameplate power registered (nameplateW); the operator sets it with POST /api/v1/meters`);
    }
    const standing: StandingOrder = { participant: ownerAddress, nameplatePowerW, ...sidesOf(request, current) };
    // The side a request does not name keeps its window; the named sides have none.
    const windows: SideWindows = { ...stored?.windows };
    for (const side of namedSides(request)) {
      windows[side] = undefined;
      await deleteChainSides(deps.db, address, side);
    }
    await upsertStandingOrder(deps.db, address, standing, 'api', windows);
    return c.json(viewOf(address, standing, windows), 200);
  });
}
