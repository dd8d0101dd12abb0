/**
 * The market room's tables as drizzle schema (created by `migrations/0100_market.sql`; keep the two in step).
 * Kept apart from `schema.ts` (the ingest room's). Queries in `marketQueries/` use raw SQL through `queryRows`
 * so they run unchanged on PGlite and postgres.js; these definitions document and type the columns.
 *
 * Units are in the column names; money in micro-units of the settlement token as `numeric(40,0)` (read as a
 * string, turned into bigint at the edge).
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, numeric, pgTable, primaryKey, smallint, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';

const u64 = (name: string) => bigint(name, { mode: 'number' });

/** One standing order per meter; a NULL side never trades. `*_kind` is 'auto' or 'limit'. */
export const standingOrders = pgTable('standing_orders', {
  meter: text('meter').primaryKey(),
  participant: text('participant').notNull(),
  sellKind: text('sell_kind'),
  sellPriceMicroPerKWh: u64('sell_price_micro_per_kwh'),
  buyKind: text('buy_kind'),
  buyPriceMicroPerKWh: u64('buy_price_micro_per_kwh'),
  nameplateW: integer('nameplate_w').notNull(),
  source: text('source').notNull().default('api'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** Each side's validity window (`migrations/0111_standing_order_windows.sql`), half-open; NULL = no bound. */
  sellValidFromS: u64('sell_valid_from_s'),
  sellValidUntilS: u64('sell_valid_until_s'),
  buyValidFromS: u64('buy_valid_from_s'),
  buyValidUntilS: u64('buy_valid_until_s'),
});

/**
 * Live on-chain orders that apply to a meter, per side (`migrations/0111_standing_order_windows.sql`): per interval
 * the newest one whose window holds the interval sets the side.
 */
export const standingOrderChainSides = pgTable(
  'standing_order_chain_sides',
  {
    meter: text('meter').notNull(),
    side: text('side').notNull(),
    orderId: numeric('order_id', { precision: 78, scale: 0 }).notNull(),
    priceKind: text('price_kind').notNull(),
    priceMicroPerKWh: u64('price_micro_per_kwh'),
    nameplateW: integer('nameplate_w').notNull(),
    validFromS: u64('valid_from_s').notNull(),
    validUntilS: u64('valid_until_s').notNull(),
  },
  (table) => [primaryKey({ columns: [table.meter, table.side, table.orderId] })],
);

/** A cleared (zone, interval); its row is the "cleared once" mark. */
export const marketIntervals = pgTable(
  'market_intervals',
  {
    zone: text('zone').notNull(),
    intervalStartS: u64('interval_start_s').notNull(),
    intervalEndS: u64('interval_end_s').notNull(),
    clearingPriceMicroPerKWh: u64('clearing_price_micro_per_kwh'),
    autoPriceMicroPerKWh: u64('auto_price_micro_per_kwh').notNull(),
    orderCount: integer('order_count').notNull(),
    tradeCount: integer('trade_count').notNull(),
    clearedWh: u64('cleared_wh').notNull(),
    clearedBy: text('cleared_by').notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true }).notNull().defaultNow(),
    /** The root of the zone tree cleared with this zone (migration 0112). */
    rootZone: text('root_zone'),
    /** Energy a feeder limit kept from climbing out of this zone, both sides. */
    curtailedWh: u64('curtailed_wh').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.zone, table.intervalStartS] })],
);

/** The interval's orders, sized from each meter's forecast. */
export const intervalOrders = pgTable(
  'interval_orders',
  {
    zone: text('zone').notNull(),
    intervalStartS: u64('interval_start_s').notNull(),
    orderId: text('order_id').notNull(),
    meter: text('meter').notNull(),
    participant: text('participant').notNull(),
    side: text('side').notNull(),
    energyWh: u64('energy_wh').notNull(),
    limitPriceMicroPerKWh: u64('limit_price_micro_per_kwh').notNull(),
    forecastNetWh: u64('forecast_net_wh').notNull(),
  },
  (table) => [primaryKey({ columns: [table.zone, table.intervalStartS, table.orderId] })],
);

/** Matched trades; `deliveredWh` / `paidMicro` after delivery settlement. */
export const marketTrades = pgTable(
  'market_trades',
  {
    zone: text('zone').notNull(),
    intervalStartS: u64('interval_start_s').notNull(),
    tradeIndex: integer('trade_index').notNull(),
    sellOrderId: text('sell_order_id').notNull(),
    buyOrderId: text('buy_order_id').notNull(),
    seller: text('seller').notNull(),
    sellerMeter: text('seller_meter').notNull(),
    buyer: text('buyer').notNull(),
    buyerMeter: text('buyer_meter').notNull(),
    energyWh: u64('energy_wh').notNull(),
    priceMicroPerKWh: u64('price_micro_per_kwh').notNull(),
    amountMicro: numeric('amount_micro', { precision: 40, scale: 0 }).notNull(),
    deliveredWh: u64('delivered_wh'),
    paidMicro: numeric('paid_micro', { precision: 40, scale: 0 }),
    /** Grid fee per kWh each side owes for the levels its order climbed to this zone, and how many (migration 0112). */
    sellerFeeMicroPerKWh: u64('seller_fee_micro_per_kwh').notNull().default(0),
    buyerFeeMicroPerKWh: u64('buyer_fee_micro_per_kwh').notNull().default(0),
    sellerClimb: smallint('seller_climb').notNull().default(0),
    buyerClimb: smallint('buyer_climb').notNull().default(0),
    buyerFeeMicro: numeric('buyer_fee_micro', { precision: 40, scale: 0 }),
  },
  (table) => [primaryKey({ columns: [table.zone, table.intervalStartS, table.tradeIndex] })],
);

/** Settlement batches: built → sent → confirmed | failed, or empty (nothing delivered, no transaction). */
export const settlementBatches = pgTable(
  'settlement_batches',
  {
    zone: text('zone').notNull(),
    intervalStartS: u64('interval_start_s').notNull(),
    chainZone: numeric('chain_zone', { precision: 20, scale: 0 }).notNull(),
    batchKey: text('batch_key').notNull(),
    state: text('state').notNull(),
    priceMicroPerKWh: u64('price_micro_per_kwh').notNull(),
    sellersHex: text('sellers_hex').notNull(),
    tradesHex: text('trades_hex').notNull(),
    tradeCount: integer('trade_count').notNull(),
    deliveredWh: u64('delivered_wh').notNull(),
    grossMicro: numeric('gross_micro', { precision: 40, scale: 0 }).notNull(),
    gridFeeMicro: numeric('grid_fee_micro', { precision: 40, scale: 0 }).notNull().default('0'),
    txHash: text('tx_hash'),
    rawTx: text('raw_tx'),
    blockNumber: u64('block_number'),
    gasUsed: u64('gas_used'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.zone, table.intervalStartS] })],
);

/** Chain events indexed back from receipts. */
export const chainEvents = pgTable(
  'chain_events',
  {
    txHash: text('tx_hash').notNull(),
    logIndex: integer('log_index').notNull(),
    blockNumber: u64('block_number').notNull(),
    contract: text('contract').notNull(),
    eventName: text('event_name').notNull(),
    argsJson: text('args_json').notNull(),
    indexedAt: timestamp('indexed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.txHash, table.logIndex] })],
);

/** Deployed contract addresses per chain id. */
export const chainDeployments = pgTable(
  'chain_deployments',
  {
    chainId: u64('chain_id').notNull(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    deployedAt: timestamp('deployed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.chainId, table.name] })],
);

/** Notifications to households (one per recipient, kind, zone and interval). */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recipient: text('recipient').notNull(),
    kind: text('kind').notNull(),
    zone: text('zone').notNull(),
    intervalStartS: u64('interval_start_s').notNull(),
    bodyJson: text('body_json').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('notifications_recipient_kind_zone_interval_start_s_key').on(table.recipient, table.kind, table.zone, table.intervalStartS)],
);

/** Next block to index per chain and contract (`migrations/0101_chain_cursor.sql`). */
export const chainCursors = pgTable(
  'chain_cursors',
  {
    chainId: u64('chain_id').notNull(),
    contract: text('contract').notNull(),
    nextBlock: u64('next_block').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.chainId, table.contract] })],
);

/** The EnergyListing that takes signed orders, as the market room announced it (`migrations/0110_signed_orders.sql`); one row. */
export const listingChain = pgTable('listing_chain', {
  isCurrent: boolean('is_current').primaryKey().default(true),
  chainId: u64('chain_id').notNull(),
  listing: text('listing').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Owners' `EnergyListing.nonces(owner)` as last read from the chain. */
export const listingNonces = pgTable(
  'listing_nonces',
  {
    chainId: u64('chain_id').notNull(),
    listing: text('listing').notNull(),
    owner: text('owner').notNull(),
    nonce: numeric('nonce', { precision: 78, scale: 0 }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.chainId, table.listing, table.owner] })],
);

/**
 * Signed orders waiting for, or sent to, EnergyListing: `kind` 'place' | 'cancel'; `status` queued → sent →
 * confirmed | failed. Order fields are NULL on a cancel; `order_id` is the cancelled order, or the placed one once
 * confirmed. A unique partial index (`signed_orders_live_nonce`) lets one live row hold an owner's nonce.
 */
export const signedOrders = pgTable(
  'signed_orders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chainId: u64('chain_id').notNull(),
    listing: text('listing').notNull(),
    kind: text('kind').notNull(),
    owner: text('owner').notNull(),
    meter: text('meter').notNull(),
    zoneId: numeric('zone_id', { precision: 20, scale: 0 }),
    side: smallint('side'),
    maxWhPerInterval: u64('max_wh_per_interval'),
    limitPricePerKWh: numeric('limit_price_per_kwh', { precision: 29, scale: 0 }),
    validFromS: u64('valid_from_s'),
    validUntilS: u64('valid_until_s'),
    orderId: numeric('order_id', { precision: 78, scale: 0 }),
    nonce: numeric('nonce', { precision: 78, scale: 0 }).notNull(),
    deadlineS: numeric('deadline_s', { precision: 78, scale: 0 }).notNull(),
    signature: text('signature').notNull(),
    digest: text('digest').notNull(),
    status: text('status').notNull().default('queued'),
    txHash: text('tx_hash'),
    rawTx: text('raw_tx'),
    batchIndex: integer('batch_index'),
    blockNumber: u64('block_number'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    failureCode: text('failure_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('signed_orders_live_nonce').on(table.chainId, table.listing, table.owner, table.nonce).where(sql`status <> 'failed'`),
    index('signed_orders_status').on(table.status, table.nextAttemptAt),
    index('signed_orders_meter').on(table.meter, table.createdAt),
  ],
);
