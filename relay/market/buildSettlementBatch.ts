/**
 * A tree interval's matched trades + the sellers' seals → what is paid on-chain, one batch per zone that matched
 * trades (DESIGN §5 "after delivery, metered seals decide what is paid"). Per seller meter, over all its trades of
 * the interval in every zone of the tree, `shared/market/settleDelivery.ts` pays at most the seal's export, shared
 * over the trades pro rata; a seller without a seal for the interval delivered nothing. Each zone's batch carries
 * one seal per paying seller (a seller paid in two zones shows the same seal in both; the contract pays a seal at
 * most its export across batches) and one trade entry per trade with delivered energy, grouped by buyer, with the
 * levels the buyer's order climbed. Grid fees are computed as the contract charges them: per trade for the buyer,
 * per seal entry for the seller. Pure.
 */
import type { DeliveryTerms } from '../../shared/market/settleDelivery.ts';
import { settleDelivery } from '../../shared/market/settleDelivery.ts';
import { amountMicroFloor } from '../../shared/market/tradeAmount.ts';
import type { Trade } from '../../shared/market/trade.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import type { SellerEntry, TradeEntry } from '../chain/encodeSettlementCalldata.ts';

/** A stored trade of the interval. */
export interface IntervalTrade {
  /** The zone whose auction matched it. */
  zone: string;
  tradeIndex: number;
  seller: string;
  sellerMeter: string;
  buyer: string;
  energyWh: number;
  priceMicroPerKWh: number;
  sellerFeeMicroPerKWh: number;
  buyerFeeMicroPerKWh: number;
  /** Levels the buyer's order climbed to `zone` (0: placed there). */
  buyerClimb: number;
}

/** What delivery decided for one trade. */
export interface TradeDelivery {
  tradeIndex: number;
  deliveredWh: number;
  paidMicro: bigint;
  /** ⌊deliveredWh × buyer fee / 1000⌋: the buyer's grid fee on top of `paidMicro`. */
  buyerFeeMicro: bigint;
}

/** One zone's batch. */
export interface SettlementPlan {
  zone: string;
  priceMicroPerKWh: number;
  sellers: SellerEntry[];
  trades: TradeEntry[];
  deliveries: TradeDelivery[];
  deliveredWh: number;
  grossMicro: bigint;
  /** Σ sellers' ⌊sold Wh × fee / 1000⌋ + Σ buyers' fees: what the grid operator is credited. */
  gridFeeMicro: bigint;
}

function asTrade(trade: IntervalTrade): Trade {
  return {
    zoneId: trade.zone, sellOrderId: String(trade.tradeIndex), buyOrderId: '', seller: trade.seller, buyer: trade.buyer,
    energyWh: trade.energyWh, priceMicroPerKWh: trade.priceMicroPerKWh, amountMicro: 0n,
    sellerFeeMicroPerKWh: 0, buyerFeeMicroPerKWh: 0, sellerFeeMicro: 0n, buyerFeeMicro: 0n,
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Plans the settlement of one tree interval, zone by zone (zones without trades have no plan).
 * @param sealsByMeter the seal that closes the interval, per seller meter (absent: nothing delivered)
 * @example buildSettlementBatches(trades, new Map([[meter, seal]]), terms).get('feeder-1')
 */
export function buildSettlementBatches(trades: readonly IntervalTrade[], sealsByMeter: ReadonlyMap<string, SealRecord>, terms: DeliveryTerms): Map<string, SettlementPlan> {
  const plans = new Map<string, SettlementPlan & { sellerIndex: Map<string, number>; entries: (TradeEntry & { tradeIndex: number })[]; soldWh: number[]; sellerFee: number[] }>();
  for (const trade of trades) {
    const plan = plans.get(trade.zone);
    if (plan === undefined) {
      plans.set(trade.zone, { zone: trade.zone, priceMicroPerKWh: trade.priceMicroPerKWh, sellers: [], trades: [], deliveries: [], deliveredWh: 0, grossMicro: 0n, gridFeeMicro: 0n, sellerIndex: new Map(), entries: [], soldWh: [], sellerFee: [] });
    } else if (plan.priceMicroPerKWh !== trade.priceMicroPerKWh) {
      throw new RangeError(`expected one clearing price per zone and interval, got ${plan.priceMicroPerKWh} and ${trade.priceMicroPerKWh} in "${trade.zone}"`);
    }
  }
  const byMeter = new Map<string, IntervalTrade[]>();
  for (const trade of trades) byMeter.set(trade.sellerMeter, [...(byMeter.get(trade.sellerMeter) ?? []), trade]);

  for (const [meter, meterTrades] of [...byMeter.entries()].sort(([a], [b]) => byText(a, b))) {
    const seal = sealsByMeter.get(meter);
    const meteredExportWh = seal === undefined ? 0 : seal.exportEndWh - seal.exportStartWh;
    const delivery = settleDelivery(meterTrades.map(asTrade), meteredExportWh, terms);
    delivery.trades.forEach((delivered, i) => {
      const trade = meterTrades[i]!;
      const plan = plans.get(trade.zone)!;
      const buyerFeeMicro = amountMicroFloor(delivered.deliveredWh, trade.buyerFeeMicroPerKWh);
      plan.deliveries.push({ tradeIndex: trade.tradeIndex, deliveredWh: delivered.deliveredWh, paidMicro: delivered.paidMicro, buyerFeeMicro });
      if (delivered.deliveredWh === 0 || seal === undefined) return;
      let sellerIndex = plan.sellerIndex.get(meter);
      if (sellerIndex === undefined) {
        sellerIndex = plan.sellers.length;
        plan.sellerIndex.set(meter, sellerIndex);
        plan.sellers.push({ seller: trade.seller, seal });
        plan.soldWh.push(0);
        plan.sellerFee.push(trade.sellerFeeMicroPerKWh);
      }
      plan.entries.push({ buyer: trade.buyer, sellerIndex, energyWh: delivered.deliveredWh, buyerClimb: trade.buyerClimb, tradeIndex: trade.tradeIndex });
      plan.soldWh[sellerIndex]! += delivered.deliveredWh;
      plan.deliveredWh += delivered.deliveredWh;
      plan.grossMicro += delivered.paidMicro;
      plan.gridFeeMicro += buyerFeeMicro;
    });
  }
  const out = new Map<string, SettlementPlan>();
  for (const [zone, plan] of [...plans.entries()].sort(([a], [b]) => byText(a, b))) {
    plan.soldWh.forEach((soldWh, i) => {
      plan.gridFeeMicro += amountMicroFloor(soldWh, plan.sellerFee[i]!);
    });
    plan.entries.sort((a, b) => (a.buyer < b.buyer ? -1 : a.buyer > b.buyer ? 1 : a.tradeIndex - b.tradeIndex));
    plan.deliveries.sort((a, b) => a.tradeIndex - b.tradeIndex);
    out.set(zone, {
      zone, priceMicroPerKWh: plan.priceMicroPerKWh, sellers: plan.sellers,
      trades: plan.entries.map(({ buyer, sellerIndex, energyWh, buyerClimb }) => ({ buyer, sellerIndex, energyWh, buyerClimb })),
      deliveries: plan.deliveries, deliveredWh: plan.deliveredWh, grossMicro: plan.grossMicro, gridFeeMicro: plan.gridFeeMicro,
    });
  }
  return out;
}
