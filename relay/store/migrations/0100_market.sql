-- Market and settlement tables (relay/store/marketSchema.ts mirrors them).

-- A household's standing order, per meter: a minimum sell price and a maximum buy price, each 'auto', 'limit' or
-- absent (NULL: never trades on that side). Source: 'api', 'chain' (EnergyListing, indexed back) or 'default'.
CREATE TABLE IF NOT EXISTS standing_orders (
  meter text PRIMARY KEY,
  participant text NOT NULL,
  sell_kind text,
  sell_price_micro_per_kwh bigint,
  buy_kind text,
  buy_price_micro_per_kwh bigint,
  nameplate_w integer NOT NULL,
  source text NOT NULL DEFAULT 'api',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per cleared (zone, interval): its existence means the interval was cleared (once, under an advisory lock).
CREATE TABLE IF NOT EXISTS market_intervals (
  zone text NOT NULL,
  interval_start_s bigint NOT NULL,
  interval_end_s bigint NOT NULL,
  clearing_price_micro_per_kwh bigint,
  auto_price_micro_per_kwh bigint NOT NULL,
  order_count integer NOT NULL,
  trade_count integer NOT NULL,
  cleared_wh bigint NOT NULL,
  cleared_by text NOT NULL,
  cleared_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (zone, interval_start_s)
);

-- The interval orders the standing orders became, with the forecast that sized them.
CREATE TABLE IF NOT EXISTS interval_orders (
  zone text NOT NULL,
  interval_start_s bigint NOT NULL,
  order_id text NOT NULL,
  meter text NOT NULL,
  participant text NOT NULL,
  side text NOT NULL,
  energy_wh bigint NOT NULL,
  limit_price_micro_per_kwh bigint NOT NULL,
  forecast_net_wh bigint NOT NULL,
  PRIMARY KEY (zone, interval_start_s, order_id)
);

-- Matched trades (before delivery); delivered_wh / paid_micro are filled in when the batch is built.
CREATE TABLE IF NOT EXISTS market_trades (
  zone text NOT NULL,
  interval_start_s bigint NOT NULL,
  trade_index integer NOT NULL,
  sell_order_id text NOT NULL,
  buy_order_id text NOT NULL,
  seller text NOT NULL,
  seller_meter text NOT NULL,
  buyer text NOT NULL,
  buyer_meter text NOT NULL,
  energy_wh bigint NOT NULL,
  price_micro_per_kwh bigint NOT NULL,
  amount_micro numeric(40, 0) NOT NULL,
  delivered_wh bigint,
  paid_micro numeric(40, 0),
  PRIMARY KEY (zone, interval_start_s, trade_index)
);
CREATE INDEX IF NOT EXISTS market_trades_seller_idx ON market_trades (seller);
CREATE INDEX IF NOT EXISTS market_trades_buyer_idx ON market_trades (buyer);

-- Settlement batches, persisted before anything is sent: built -> sent (tx hash, raw tx) -> confirmed | failed;
-- 'empty' when nothing was delivered (no transaction).
CREATE TABLE IF NOT EXISTS settlement_batches (
  zone text NOT NULL,
  interval_start_s bigint NOT NULL,
  chain_zone numeric(20, 0) NOT NULL,
  batch_key text NOT NULL,
  state text NOT NULL,
  price_micro_per_kwh bigint NOT NULL,
  sellers_hex text NOT NULL,
  trades_hex text NOT NULL,
  trade_count integer NOT NULL,
  delivered_wh bigint NOT NULL,
  gross_micro numeric(40, 0) NOT NULL,
  tx_hash text,
  raw_tx text,
  block_number bigint,
  gas_used bigint,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (zone, interval_start_s)
);
CREATE INDEX IF NOT EXISTS settlement_batches_state_idx ON settlement_batches (state, next_attempt_at);

-- Chain events indexed back from receipts and logs.
CREATE TABLE IF NOT EXISTS chain_events (
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  block_number bigint NOT NULL,
  contract text NOT NULL,
  event_name text NOT NULL,
  args_json text NOT NULL,
  indexed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tx_hash, log_index)
);

-- Deployed contract addresses per chain, so a restart reuses them.
CREATE TABLE IF NOT EXISTS chain_deployments (
  chain_id bigint NOT NULL,
  name text NOT NULL,
  address text NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, name)
);

-- Notifications to households: what happened to their orders and money.
CREATE TABLE IF NOT EXISTS notifications (
  id bigserial PRIMARY KEY,
  recipient text NOT NULL,
  kind text NOT NULL,
  zone text NOT NULL,
  interval_start_s bigint NOT NULL,
  body_json text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (recipient, kind, zone, interval_start_s)
);
CREATE INDEX IF NOT EXISTS notifications_recipient_idx ON notifications (recipient, id);
