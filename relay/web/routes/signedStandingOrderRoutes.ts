/**
 * Standing orders signed by the household's wallet (EIP-712, `shared/market/listingTypedData.ts`) and sent to
 * `EnergyListing` by the relay, which pays the gas (docs/trading_rules.md §Standing orders, docs/api.md):
 *  - `GET  /api/v1/meters/{address}/standing-order/signed` (owner session): what to sign — the EIP-712 domain,
 *    the owner, the meter's zone id, the next nonce — the owner's active orders in the zone, and recent submissions;
 *  - `POST /api/v1/meters/{address}/standing-order/signed`: a signed `PlaceOrder`, queued (202);
 *  - `POST /api/v1/meters/{address}/standing-order/signed-cancel`: a signed `CancelOrder`, queued (202).
 * The POSTs need no session: the signature is the owner's authority, checked before anything about the meter is
 * said. The route is per meter (the dashboard's form is), but an on-chain order covers every meter the owner has in
 * the zone, as `relay/chain/indexListingOrders.ts` applies it.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { zoneIdFromName } from '../../../contracts/deploy/zoneId.ts';
import { MAX_UINT256, MAX_UINT32, MAX_UINT64, type ListingOrder, type ListingSide } from '../../../shared/market/listingTypedData.ts';
import { acceptSignedCancelOrder, acceptSignedPlaceOrder, requireListing } from '../../market/acceptSignedOrder.ts';
import { SignedOrderError, type SignedOrderErrorCode } from '../../market/signedOrderError.ts';
import { readOwnerNonceState } from '../../market/signedOrderNonce.ts';
import { listOwnerListingOrders } from '../../store/marketQueries/listingOrders.ts';
import { listMeterSignedOrders, type SignedOrderRecord } from '../../store/marketQueries/signedOrders.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { AddressSchema, MeterParamsSchema } from '../apiSchemas.ts';
import { httpFailure } from '../httpFailure.ts';
import { jsonBodyLimit } from '../jsonBodyLimit.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { requireMeterOwner } from './marketMeterAccess.ts';
import { PriceMicroPerKWhSchema } from './marketSchemas.ts';

/** A signed order is under 1 KiB of JSON. */
const MAX_SIGNED_ORDER_BODY_BYTES = 4_096;
const SUBMISSIONS_SHOWN = 20;

/** Status of each refusal (RFC 9110: 401 = the signature does not authenticate the owner; 403 = it does, but not for this meter). */
const statusOf: Record<SignedOrderErrorCode, ContentfulStatusCode> = {
  malformed_signature: 400,
  signature_expired: 400,
  window_invalid: 400,
  quantity_zero: 400,
  wrong_zone: 400,
  wrong_signer: 401,
  not_meter_owner: 403,
  unknown_meter: 404,
  order_not_found: 404,
  nonce_used: 409,
  nonce_gap: 409,
  order_cancelled: 409,
  meter_not_registered: 409,
  listing_unavailable: 503,
  chain_refused: 502,
};

async function orRefuse<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SignedOrderError) throw httpFailure(statusOf[error.code], error.code, error.message);
    throw error;
  }
}

/** An unsigned integer up to `max`, as a JSON integer (≤ 2^53 − 1) or a decimal string (any size); code `bad_integer`. */
function uintSchema(max: bigint, description: string) {
  return z
    .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^(0|[1-9][0-9]{0,77})$/)])
    .transform((value) => BigInt(value))
    .refine((value) => value <= max, { message: `expected an integer 0 … ${max}`, params: { code: 'bad_integer' } })
    .openapi({ description: `${description}; a decimal string (or a JSON integer below 2^53)`, example: '0' });
}
const uint32Schema = (description: string) => z.number().int().min(0).max(MAX_UINT32).openapi({ description });

const SignatureSchema = z
  .string()
  .refine((text) => /^0x[0-9a-fA-F]{130}$/.test(text), { message: 'expected a 65-byte signature r ‖ s ‖ v as 0x + 130 hex digits', params: { code: 'malformed_signature' } })
  .openapi({ description: 'the wallet’s eth_signTypedData_v4 result: r ‖ s ‖ v, 65 bytes' });

const ListingOrderSchema = z
  .object({
    owner: AddressSchema,
    zone: uintSchema(MAX_UINT64, 'on-chain zone id (uint64): the meter zone’s path id in the zone tree, else the first 8 bytes of keccak256 of its name; GET …/standing-order/signed returns it'),
    side: z.union([z.literal(0), z.literal(1)]).openapi({ description: '0 = offer (sell), 1 = bid (buy)' }),
    maxWhPerInterval: uint32Schema('the most Wh per market interval (caps the order like a smaller nameplate)'),
    limitPricePerKWh: PriceMicroPerKWhSchema.openapi({ description: 'micro-units per kWh: a seller’s minimum, a buyer’s maximum; 0 = "auto"' }),
    validFromS: uint32Schema('Unix seconds'),
    validUntilS: uint32Schema('Unix seconds; after validFromS and after now'),
  })
  .strict()
  .openapi('ListingOrder', { description: 'the fields of EnergyListing’s PlaceOrder as signed' });

const SignedPlaceOrderSchema = z
  .object({
    order: ListingOrderSchema,
    nonce: uintSchema(MAX_UINT256, 'the owner’s next nonce (GET …/standing-order/signed: nextNonce)'),
    deadlineS: uintSchema(MAX_UINT256, 'Unix seconds after which the signature is void'),
    signature: SignatureSchema,
  })
  .strict()
  .openapi('SignedPlaceOrder');

const SignedCancelOrderSchema = z
  .object({
    owner: AddressSchema,
    orderId: uintSchema(MAX_UINT256, 'the EnergyListing order to cancel'),
    nonce: uintSchema(MAX_UINT256, 'the owner’s next nonce'),
    deadlineS: uintSchema(MAX_UINT256, 'Unix seconds after which the signature is void'),
    signature: SignatureSchema,
  })
  .strict()
  .openapi('SignedCancelOrder');

const ListingOrderViewSchema = z.object({
  zone: z.string(),
  side: z.number().int(),
  maxWhPerInterval: z.number().int(),
  limitPricePerKWh: z.number().int(),
  validFromS: z.number().int(),
  validUntilS: z.number().int(),
});

const SubmissionSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(['place', 'cancel']),
    status: z.enum(['queued', 'sent', 'confirmed', 'failed']).openapi({ description: 'queued → sent → confirmed; failed with failureCode when the chain refused it' }),
    owner: z.string(),
    meter: z.string(),
    order: ListingOrderViewSchema.nullable().openapi({ description: 'a place: the order; null for a cancel' }),
    orderId: z.string().nullable().openapi({ description: 'a cancel: the order cancelled; a place: its id once confirmed' }),
    nonce: z.string(),
    deadlineS: z.string(),
    digest: z.string().openapi({ description: 'the EIP-712 digest that was signed' }),
    txHash: z.string().nullable(),
    failureCode: z.string().nullable(),
    message: z.string().nullable().openapi({ description: 'why it failed, or the last retry’s reason' }),
    createdAt: z.string(),
  })
  .openapi('SignedOrderSubmission');

const SigningContextSchema = z
  .object({
    meter: z.string(),
    owner: z.string(),
    zone: z.string(),
    zoneId: z.string().openapi({ description: 'the order’s `zone` field' }),
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int(), verifyingContract: z.string() }).openapi({ description: 'EIP-712 domain of the relay’s EnergyListing' }),
    nextNonce: z.string().openapi({ description: 'the nonce to sign the next order or cancel with' }),
    onChainNonce: z.string().openapi({ description: 'EnergyListing.nonces(owner) as the relay last read it' }),
    nameplateW: z.number().int().nullable(),
    orders: z.array(ListingOrderViewSchema.extend({ orderId: z.string() })).openapi({ description: 'the owner’s active orders in the zone, as indexed from the chain' }),
    submissions: z.array(SubmissionSchema).openapi({ description: `the newest ${SUBMISSIONS_SHOWN} signed submissions through this meter` }),
  })
  .openapi('SignedOrderContext');

const signedErrors = {
  400: errorResponse('`malformed_signature`, `signature_expired`, `window_invalid`, `quantity_zero`, `wrong_zone`, `bad_address`, `bad_integer`, `invalid_json`'),
  401: errorResponse('`wrong_signer`: the signature does not recover to the owner over this relay’s EIP-712 domain'),
  403: errorResponse('`not_meter_owner`: the signer is not the meter’s registered owner'),
  404: errorResponse('`unknown_meter`, `order_not_found`'),
  409: errorResponse('`nonce_used` (used on-chain or queued: a replay), `nonce_gap`, `order_cancelled`, `meter_not_registered`'),
  413: errorResponse('`payload_too_large`'),
  503: errorResponse('`listing_unavailable`: the relay runs without a chain'),
} as const;

const contextRoute = createRoute({
  method: 'get',
  path: '/api/v1/meters/{address}/standing-order/signed',
  tags: ['meters', 'owner', 'market'],
  summary: 'What to sign for a gasless standing order, the owner’s active on-chain orders and recent signed submissions (owner only)',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema },
  responses: {
    200: { description: 'the signing context', content: { 'application/json': { schema: SigningContextSchema } } },
    400: errorResponse('bad address'),
    401: errorResponse('not signed in, or the token is bad or expired'),
    403: errorResponse('signed in, but not the meter’s owner'),
    404: errorResponse('no such meter'),
    503: errorResponse('`listing_unavailable`: the relay runs without a chain'),
  },
});

const placeRoute = createRoute({
  method: 'post',
  path: '/api/v1/meters/{address}/standing-order/signed',
  tags: ['meters', 'market'],
  summary: 'Queues a standing order signed with the owner’s wallet (EIP-712 PlaceOrder); the relay places it on EnergyListing and pays the gas',
  middleware: [jsonBodyLimit(MAX_SIGNED_ORDER_BODY_BYTES)] as const,
  request: { params: MeterParamsSchema, body: { required: true, content: { 'application/json': { schema: SignedPlaceOrderSchema } } } },
  responses: { 202: { description: 'queued; the standing order changes once the chain has it', content: { 'application/json': { schema: SubmissionSchema } } }, ...signedErrors },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/api/v1/meters/{address}/standing-order/signed-cancel',
  tags: ['meters', 'market'],
  summary: 'Queues the cancel of an EnergyListing order, signed with the owner’s wallet (EIP-712 CancelOrder)',
  middleware: [jsonBodyLimit(MAX_SIGNED_ORDER_BODY_BYTES)] as const,
  request: { params: MeterParamsSchema, body: { required: true, content: { 'application/json': { schema: SignedCancelOrderSchema } } } },
  responses: { 202: { description: 'queued', content: { 'application/json': { schema: SubmissionSchema } } }, ...signedErrors },
});

function orderView(order: Pick<ListingOrder, 'zone' | 'side' | 'maxWhPerInterval' | 'limitPricePerKWh' | 'validFromS' | 'validUntilS'>) {
  return {
    zone: order.zone.toString(),
    side: order.side,
    maxWhPerInterval: order.maxWhPerInterval,
    limitPricePerKWh: Number(order.limitPricePerKWh),
    validFromS: order.validFromS,
    validUntilS: order.validUntilS,
  };
}

function submissionView(record: SignedOrderRecord) {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    owner: record.owner,
    meter: record.meter,
    order: record.order === null ? null : orderView(record.order),
    orderId: record.orderId === null ? null : record.orderId.toString(),
    nonce: record.nonce.toString(),
    deadlineS: record.deadlineS.toString(),
    digest: record.digest,
    txHash: record.txHash,
    failureCode: record.failureCode,
    message: record.lastError,
    createdAt: record.createdAt.toISOString(),
  };
}

const nowS = (deps: ApiDependencies) => deps.now() / 1000;

/** The three routes above. */
export function registerSignedStandingOrderRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(contextRoute, async (c) => {
    const { address } = c.req.valid('param');
    const { meter, ownerAddress } = await requireMeterOwner(c, deps, address);
    const context = await orRefuse(async () => {
      const { chain, domain } = await requireListing(deps.db);
      const zoneId = (deps.chainZoneOf ?? zoneIdFromName)(meter.zone);
      const nonces = await readOwnerNonceState(deps.db, chain, ownerAddress);
      const orders = (await listOwnerListingOrders(deps.db, chain.listing, ownerAddress))
        .filter((order) => order.zone === zoneId && !order.isCancelled && order.validUntilS > nowS(deps))
        .map((order) => ({ orderId: order.orderId.toString(), ...orderView({ ...order, side: order.side as ListingSide }) }));
      return { zoneId, domain, nonces, orders };
    });
    const submissions = await listMeterSignedOrders(deps.db, address, SUBMISSIONS_SHOWN);
    return c.json(
      {
        meter: address,
        owner: ownerAddress,
        zone: meter.zone,
        zoneId: context.zoneId.toString(),
        domain: context.domain,
        nextNonce: context.nonces.nextNonce.toString(),
        onChainNonce: context.nonces.onChainNonce.toString(),
        nameplateW: meter.nameplateW,
        orders: context.orders,
        submissions: submissions.map(submissionView),
      },
      200,
    );
  });

  app.openapi(placeRoute, async (c) => {
    const { address } = c.req.valid('param');
    const body = c.req.valid('json');
    const order: ListingOrder = { ...body.order, owner: body.order.owner as `0x${string}`, limitPricePerKWh: BigInt(body.order.limitPricePerKWh), side: body.order.side as ListingSide };
    const queued = await orRefuse(() => acceptSignedPlaceOrder(deps.db, address, { order, nonce: body.nonce, deadlineS: body.deadlineS, signature: body.signature as `0x${string}` }, nowS(deps), deps.chainZoneOf));
    deps.logger.info({ meter: address, owner: queued.owner, nonce: queued.nonce.toString(), id: queued.id }, 'signed standing order queued');
    return c.json(submissionView(queued), 202);
  });

  app.openapi(cancelRoute, async (c) => {
    const { address } = c.req.valid('param');
    const body = c.req.valid('json');
    const queued = await orRefuse(() =>
      acceptSignedCancelOrder(deps.db, address, { owner: body.owner as `0x${string}`, orderId: body.orderId, nonce: body.nonce, deadlineS: body.deadlineS, signature: body.signature as `0x${string}` }, nowS(deps), deps.chainZoneOf),
    );
    deps.logger.info({ meter: address, owner: queued.owner, orderId: body.orderId.toString(), id: queued.id }, 'signed cancel queued');
    return c.json(submissionView(queued), 202);
  });
}
