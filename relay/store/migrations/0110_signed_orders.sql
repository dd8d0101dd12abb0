-- Standing orders signed by households (EIP-712) and sent by the relay to EnergyListing, which pays the gas
-- (relay/market/acceptSignedOrder.ts takes them in, relay/chain/submitSignedOrders.ts sends them;
-- relay/store/marketSchema.ts mirrors these tables).

-- The EnergyListing that takes signed orders, as the market room announced it when it opened the chain: the web
-- room checks signatures against this domain (chain id, verifying contract). One row.
CREATE TABLE IF NOT EXISTS listing_chain (
  is_current boolean PRIMARY KEY DEFAULT true CHECK (is_current),
  chain_id bigint NOT NULL,
  listing text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Owners' EnergyListing nonces as last read from the chain (EnergyListing.nonces(owner)), so the web room can
-- refuse a used nonce without a chain call.
CREATE TABLE IF NOT EXISTS listing_nonces (
  chain_id bigint NOT NULL,
  listing text NOT NULL,
  owner text NOT NULL,
  nonce numeric(78,0) NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, listing, owner)
);

-- The queue: kind 'place' (PlaceOrder, sent in batches with placeSignedOrders) or 'cancel' (CancelOrder, one
-- cancelSignedOrder each). status: queued -> sent (tx_hash and raw_tx stored before broadcasting) -> confirmed,
-- or failed (failure_code) — a failed row frees its nonce for a new signature.
CREATE TABLE IF NOT EXISTS signed_orders (
  id bigserial PRIMARY KEY,
  chain_id bigint NOT NULL,
  listing text NOT NULL,
  kind text NOT NULL,
  owner text NOT NULL,
  meter text NOT NULL,
  zone_id numeric(20,0),
  side smallint,
  max_wh_per_interval bigint,
  limit_price_per_kwh numeric(29,0),
  valid_from_s bigint,
  valid_until_s bigint,
  order_id numeric(78,0),
  nonce numeric(78,0) NOT NULL,
  deadline_s numeric(78,0) NOT NULL,
  signature text NOT NULL,
  digest text NOT NULL,
  status text NOT NULL DEFAULT 'queued',
  tx_hash text,
  raw_tx text,
  batch_index integer,
  block_number bigint,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  failure_code text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A nonce is held by one live submission at a time; a failed one lets it go.
CREATE UNIQUE INDEX IF NOT EXISTS signed_orders_live_nonce ON signed_orders (chain_id, listing, owner, nonce) WHERE status <> 'failed';
CREATE INDEX IF NOT EXISTS signed_orders_status ON signed_orders (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS signed_orders_meter ON signed_orders (meter, created_at);
