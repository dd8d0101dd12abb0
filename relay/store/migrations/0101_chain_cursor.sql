-- How far the relay has indexed a contract's logs (relay/chain/indexListingOrders.ts), per chain and contract.
CREATE TABLE IF NOT EXISTS chain_cursors (
  chain_id bigint NOT NULL,
  contract text NOT NULL,
  next_block bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, contract)
);
