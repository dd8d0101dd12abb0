-- Validity windows of standing orders (relay/store/marketSchema.ts mirrors them; docs/trading_rules.md §Standing
-- orders). A side trades in an interval [startS, endS) only when validFromS <= startS and endS <= validUntilS.
-- NULL bounds: no window (orders set through the API are always valid).
ALTER TABLE standing_orders ADD COLUMN IF NOT EXISTS sell_valid_from_s bigint;
ALTER TABLE standing_orders ADD COLUMN IF NOT EXISTS sell_valid_until_s bigint;
ALTER TABLE standing_orders ADD COLUMN IF NOT EXISTS buy_valid_from_s bigint;
ALTER TABLE standing_orders ADD COLUMN IF NOT EXISTS buy_valid_until_s bigint;

-- Every live (placed, not cancelled) EnergyListing order that applies to a meter, per side, with its window, as
-- indexed back (relay/chain/indexListingOrders.ts). Per interval the newest one (highest order_id) whose window
-- holds the interval sets the side, so a newer order that has ended or not yet started does not hide an older
-- one that still holds. The side columns of standing_orders show the newest of them. A PUT through the API
-- replaces the sides it names and drops their rows here.
CREATE TABLE IF NOT EXISTS standing_order_chain_sides (
  meter text NOT NULL,
  side text NOT NULL,
  order_id numeric(78,0) NOT NULL,
  price_kind text NOT NULL,
  price_micro_per_kwh bigint,
  -- min(meter nameplate, the order's maxWhPerInterval as power): caps the interval's order when this one applies
  nameplate_w integer NOT NULL,
  valid_from_s bigint NOT NULL,
  valid_until_s bigint NOT NULL,
  PRIMARY KEY (meter, side, order_id)
);
