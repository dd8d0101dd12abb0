/**
 * An interval's matched trades + the sellers' seals → what is paid on-chain (DESIGN §5 "after delivery, metered
 * seals decide what is paid"). Per seller, `shared/market/settleDelivery.ts` pays at most the seal's export, shared
 * over its trades pro rata; a seller without a seal for the interval delivered nothing. The batch carries one seal
 * per paying seller and one trade entry per trade with delivered energy, grouped by buyer. Pure.
 */
import type { DeliveryTerms } from '../../shared/market/settleDelivery.ts';
import { settleDelivery } from '../../shared/market/settleDelivery.ts';
import type { Trade } from '../../shared/market/trade.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import type { SellerEntry, TradeEntry } from '../chain/encodeSettlementCalldata.ts';

/** A stored trade of the interval. */
export interface IntervalTrade {
  tradeIndex: number;
  seller: string;
  sellerMeter: string;
  buyer: string;
  energyWh: number;
  priceMicroPerKWh: number;
}

/** What delivery decided for one trade. */
export interface TradeDelivery {
  tradeIndex: number;
  deliveredWh: number;
  paidMicro: bigint;
}

export interface SettlementPlan {
  priceMicroPerKWh: number;
  sellers: SellerEntry[];
  trades: TradeEntry[];
  deliveries: TradeDelivery[];
  deliveredWh: number;
  grossMicro: bigint;
}

function asTrade(trade: IntervalTrade): Trade {
  return {
    zoneId: '', sellOrderId: String(trade.tradeIndex), buyOrderId: '', seller: trade.seller, buyer: trade.buyer,
    energyWh: trade.energyWh, priceMicroPerKWh: trade.priceMicroPerKWh, amountMicro: 0n,
    sellerFeeMicroPerKWh: 0, buyerFeeMicroPerKWh: 0, sellerFeeMicro: 0n, buyerFeeMicro: 0n,
  };
}

/**
 * Plans the settlement of one zone's interval.
 * @param sealsByMeter the seal that closes the interval, per seller meter (absent: nothing delivered)
 * @example buildSettlementBatch(trades, new Map([[meter, seal]]), terms)
 */
export function buildSettlementBatch(trades: readonly IntervalTrade[], sealsByMeter: ReadonlyMap<string, SealRecord>, terms: DeliveryTerms): SettlementPlan {
  const priceMicroPerKWh = trades[0]?.priceMicroPerKWh ?? 0;
  for (const trade of trades) {
    if (trade.priceMicroPerKWh !== priceMicroPerKWh) throw new RangeError(`expected one clearing price per interval, got ${priceMicroPerKWh} and ${trade.priceMicroPerKWh}`);
  }
  const byMeter = new Map<string, IntervalTrade[]>();
  for (const trade of trades) byMeter.set(trade.sellerMeter, [...(byMeter.get(trade.sellerMeter) ?? []), trade]);

  const sellers: SellerEntry[] = [];
  const deliveries: TradeDelivery[] = [];
  const entries: (TradeEntry & { tradeIndex: number })[] = [];
  let deliveredWh = 0;
  let grossMicro = 0n;
  for (const [meter, meterTrades] of [...byMeter.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const seal = sealsByMeter.get(meter);
    const meteredExportWh = seal === undefined ? 0 : seal.exportEndWh - seal.exportStartWh;
    const delivery = settleDelivery(meterTrades.map(asTrade), meteredExportWh, terms);
    const sellerIndex = sellers.length;
    delivery.trades.forEach((delivered, i) => {
      const trade = meterTrades[i]!;
      deliveries.push({ tradeIndex: trade.tradeIndex, deliveredWh: delivered.deliveredWh, paidMicro: delivered.paidMicro });
      if (delivered.deliveredWh > 0) entries.push({ buyer: trade.buyer, sellerIndex, energyWh: delivered.deliveredWh, tradeIndex: trade.tradeIndex });
    });
    if (delivery.deliveredWh > 0 && seal !== undefined) {
      sellers.push({ seller: meterTrades[0]!.seller, seal });
      deliveredWh += delivery.deliveredWh;
      grossMicro += delivery.paidMicro;
    }
  }
  entries.sort((a, b) => (a.buyer < b.buyer ? -1 : a.buyer > b.buyer ? 1 : a.tradeIndex - b.tradeIndex));
  deliveries.sort((a, b) => a.tradeIndex - b.tradeIndex);
  return { priceMicroPerKWh, sellers, trades: entries.map(({ buyer, sellerIndex, energyWh }) => ({ buyer, sellerIndex, energyWh })), deliveries, deliveredWh, grossMicro };
}
