-- The zone tree (relay/store/marketSchema.ts mirrors it; docs/trading_rules.md §Zone tree). A tree clears as one
-- (under one advisory lock on its root): every zone of it gets its market_intervals row, root_zone naming the root.
-- A trade is recorded in the zone whose auction matched it, with the grid fee per kWh each side owes for the levels
-- its order climbed, and how many levels that was (the contract derives the seller's from the registry; the
-- buyer's travels in the trade entry).
ALTER TABLE market_intervals ADD COLUMN IF NOT EXISTS root_zone text;
ALTER TABLE market_intervals ADD COLUMN IF NOT EXISTS curtailed_wh bigint NOT NULL DEFAULT 0;
ALTER TABLE market_trades ADD COLUMN IF NOT EXISTS seller_fee_micro_per_kwh bigint NOT NULL DEFAULT 0;
ALTER TABLE market_trades ADD COLUMN IF NOT EXISTS buyer_fee_micro_per_kwh bigint NOT NULL DEFAULT 0;
ALTER TABLE market_trades ADD COLUMN IF NOT EXISTS seller_climb smallint NOT NULL DEFAULT 0;
ALTER TABLE market_trades ADD COLUMN IF NOT EXISTS buyer_climb smallint NOT NULL DEFAULT 0;
-- Filled in when the batch is built: ⌊delivered Wh × buyer fee / 1000⌋, as the contract charges it per trade.
ALTER TABLE market_trades ADD COLUMN IF NOT EXISTS buyer_fee_micro numeric(40, 0);
-- The batch's grid fees as the contract computes them (sellers: ⌊sold Wh × fee / 1000⌋ per seal entry; buyers: per trade).
ALTER TABLE settlement_batches ADD COLUMN IF NOT EXISTS grid_fee_micro numeric(40, 0) NOT NULL DEFAULT 0;
