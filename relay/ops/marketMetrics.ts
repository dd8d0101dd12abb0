/**
 * The market room's Prometheus metrics (`pet_relay_market_*`), on the relay's registry so `/metrics` serves them
 * with the rest. Counted by the relay that did the work: with several relays, sum across them.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface MarketMetrics {
  zoneIntervalsCleared: Counter;
  trades: Counter<'climbed'>;
  clearedWh: Counter;
  curtailedWh: Counter;
  batches: Counter<'outcome'>;
  settlementGasPerTrade: Histogram;
  gridFeesMicro: Counter;
}

export function createMarketMetrics(registry: Registry): MarketMetrics {
  return {
    zoneIntervalsCleared: new Counter({ name: 'pet_relay_market_zone_intervals_cleared_total', help: 'Zone intervals cleared (every zone of a tree, with or without trades)', registers: [registry] }),
    trades: new Counter({ name: 'pet_relay_market_trades_total', help: 'Trades matched; climbed="true" when an order climbed to a parent zone to match', labelNames: ['climbed'], registers: [registry] }),
    clearedWh: new Counter({ name: 'pet_relay_market_cleared_wh_total', help: 'Energy matched, Wh', registers: [registry] }),
    curtailedWh: new Counter({ name: 'pet_relay_market_curtailed_wh_total', help: 'Energy feeder limits kept from climbing to a parent zone (both sides), Wh', registers: [registry] }),
    batches: new Counter({ name: 'pet_relay_market_batches_total', help: 'Settlement batches finished on-chain, by outcome (confirmed, failed)', labelNames: ['outcome'], registers: [registry] }),
    settlementGasPerTrade: new Histogram({ name: 'pet_relay_market_settlement_gas_per_trade', help: 'Gas of each confirmed settlement transaction divided by its trades', buckets: [10_000, 12_500, 15_000, 17_500, 20_000, 30_000, 50_000, 100_000, 250_000], registers: [registry] }),
    gridFeesMicro: new Counter({ name: 'pet_relay_market_grid_fees_micro_total', help: 'Grid fees of confirmed batches (buyers and sellers), micro-units of the settlement token', registers: [registry] }),
  };
}
