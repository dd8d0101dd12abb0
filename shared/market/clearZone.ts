/**
 * One zone's call auction for one interval: uniform-price double auction, pay-as-clear.
 * Step by step (the same steps, numbered, in `docs/trading_rules.md` §Clearing):
 *  1. net self-trades (`netSelfTrades`);
 *  2. split the book into offers and bids; orders below the minimum trade threshold T stay unmatched;
 *  3. sort offers ascending and bids descending by effective limit, ties by id (`sortByPriority`);
 *  4. walk both curves while the next offer's limit ≤ the next bid's limit: the walked volume is the cleared
 *     quantity Q (the largest volume that supply and demand both accept);
 *  5. fill each side up to Q: better price levels in full, the marginal level pro rata (`fillSide`); if the
 *     threshold removed orders on one side, lower Q to what both sides can fill and repeat;
 *  6. pair sellers with buyers (`pairFills`), dropping pieces below T;
 *  7. price the trades with the rule (`clearingPriceFor`) from the marginal orders that actually traded.
 */
import { amountMicroFloor } from './tradeAmount.ts';
import { clearingPriceFor, type ClearingPriceRule } from './clearingPriceRule.ts';
import { fillSide } from './fillSide.ts';
import { netSelfTrades, type NettedVolume } from './netSelfTrades.ts';
import type { BookEntry } from './order.ts';
import { pairFills } from './pairFills.ts';
import { sortByPriority, type SortedSide } from './sortBook.ts';
import type { Trade } from './trade.ts';

/** How a zone is cleared. */
export interface ClearZoneOptions {
  readonly zoneId: string;
  readonly rule: ClearingPriceRule;
  /** MINIMUM_TRADE_THRESHOLD in Wh (`TradingParameters.minimumTradeThresholdWh`). */
  readonly minimumTradeThresholdWh: number;
}

/** The outcome of one zone's auction. */
export interface ZoneClearing {
  readonly zoneId: string;
  /** The uniform price, or null when nothing traded. */
  readonly clearingPriceMicroPerKWh: number | null;
  /** Total energy traded (= Σ trades' energyWh, sold = bought). */
  readonly clearedWh: number;
  readonly trades: readonly Trade[];
  /** Volume each participant on both sides supplied to itself (see `netSelfTrades`). */
  readonly netted: readonly NettedVolume[];
  /** What is left of each order after netting and trading, offers then bids in priority order. */
  readonly remainders: readonly BookEntry[];
}

function crossingQuantityWh(offers: SortedSide, bids: SortedSide, thresholdWh: number): number {
  const offerWh = offers.energiesWh;
  const bidWh = bids.energiesWh;
  let quantityWh = 0;
  let i = 0;
  let j = 0;
  let offerLeftWh = 0;
  let bidLeftWh = 0;
  for (;;) {
    while (offerLeftWh === 0 && i < offerWh.length) {
      const energyWh = offerWh[i++] as number;
      if (energyWh >= thresholdWh) offerLeftWh = energyWh;
    }
    while (bidLeftWh === 0 && j < bidWh.length) {
      const energyWh = bidWh[j++] as number;
      if (energyWh >= thresholdWh) bidLeftWh = energyWh;
    }
    if (offerLeftWh === 0 || bidLeftWh === 0) return quantityWh;
    if ((offers.limitsMicroPerKWh[i - 1] as number) > (bids.limitsMicroPerKWh[j - 1] as number)) return quantityWh;
    const stepWh = Math.min(offerLeftWh, bidLeftWh);
    quantityWh += stepWh;
    offerLeftWh -= stepWh;
    bidLeftWh -= stepWh;
  }
}

/**
 * Clears one zone's book. Pure and deterministic: the same entries in any order give the same result.
 * Entries must carry unique order ids (`parseOrders` checks this at the edge).
 *
 * @example
 * const result = clearZone(orders.map(bookEntryOf), { zoneId: 'feeder-1', rule: 'default', minimumTradeThresholdWh: 500 });
 */
export function clearZone(entries: readonly BookEntry[], options: ClearZoneOptions): ZoneClearing {
  const thresholdWh = options.minimumTradeThresholdWh;
  const { entries: netEntries, netted } = netSelfTrades(entries);
  const offers: BookEntry[] = [];
  const bids: BookEntry[] = [];
  for (const entry of netEntries) (entry.order.side === 'sell' ? offers : bids).push(entry);
  const offerSide = sortByPriority(offers, 'sell');
  const bidSide = sortByPriority(bids, 'buy');

  let quantityWh = crossingQuantityWh(offerSide, bidSide, thresholdWh);
  let offerFill = fillSide(offerSide, quantityWh, thresholdWh);
  let bidFill = fillSide(bidSide, quantityWh, thresholdWh);
  while (offerFill.allocatedWh !== bidFill.allocatedWh) {
    quantityWh = Math.min(offerFill.allocatedWh, bidFill.allocatedWh);
    offerFill = fillSide(offerSide, quantityWh, thresholdWh);
    bidFill = fillSide(bidSide, quantityWh, thresholdWh);
  }

  const pairs = pairFills(offerFill.fillsWh, bidFill.fillsWh, thresholdWh);
  const soldWh = new Float64Array(offers.length);
  const boughtWh = new Float64Array(bids.length);
  let marginalOffer = -Infinity;
  let marginalBid = Infinity;
  let clearedWh = 0;
  for (let k = 0; k < pairs.count; k += 1) {
    const sellPosition = pairs.sellPosition[k] as number;
    const buyPosition = pairs.buyPosition[k] as number;
    const energyWh = pairs.energyWh[k] as number;
    soldWh[sellPosition] = (soldWh[sellPosition] as number) + energyWh;
    boughtWh[buyPosition] = (boughtWh[buyPosition] as number) + energyWh;
    marginalOffer = Math.max(marginalOffer, offerSide.limitsMicroPerKWh[sellPosition] as number);
    marginalBid = Math.min(marginalBid, bidSide.limitsMicroPerKWh[buyPosition] as number);
    clearedWh += energyWh;
  }
  const priceMicroPerKWh = pairs.count === 0 ? null : clearingPriceFor(options.rule, marginalOffer, marginalBid);

  const trades: Trade[] = [];
  if (priceMicroPerKWh !== null) {
    for (let k = 0; k < pairs.count; k += 1) {
      const sellIndex = offerSide.order[pairs.sellPosition[k] as number] as number;
      const buyIndex = bidSide.order[pairs.buyPosition[k] as number] as number;
      const energyWh = pairs.energyWh[k] as number;
      const sellerFeeMicroPerKWh = offerSide.feesMicroPerKWh[sellIndex] as number;
      const buyerFeeMicroPerKWh = bidSide.feesMicroPerKWh[buyIndex] as number;
      trades.push({
        zoneId: options.zoneId,
        sellOrderId: offerSide.ids[sellIndex] as string,
        buyOrderId: bidSide.ids[buyIndex] as string,
        seller: offerSide.participants[sellIndex] as string,
        buyer: bidSide.participants[buyIndex] as string,
        energyWh,
        priceMicroPerKWh,
        amountMicro: amountMicroFloor(energyWh, priceMicroPerKWh),
        sellerFeeMicroPerKWh,
        buyerFeeMicroPerKWh,
        sellerFeeMicro: amountMicroFloor(energyWh, sellerFeeMicroPerKWh),
        buyerFeeMicro: amountMicroFloor(energyWh, buyerFeeMicroPerKWh),
      });
    }
  }

  let remainderCount = 0;
  for (let k = 0; k < soldWh.length; k += 1) if ((offerSide.energiesWh[k] as number) > (soldWh[k] as number)) remainderCount += 1;
  for (let k = 0; k < boughtWh.length; k += 1) if ((bidSide.energiesWh[k] as number) > (boughtWh[k] as number)) remainderCount += 1;
  const remainders = new Array<BookEntry>(remainderCount);
  let next = 0;
  const collect = (entriesOfSide: readonly BookEntry[], side: SortedSide, tradedWh: Float64Array) => {
    for (let k = 0; k < side.order.length; k += 1) {
      const traded = tradedWh[k] as number;
      const leftWh = (side.energiesWh[k] as number) - traded;
      if (leftWh <= 0) continue;
      const entry = entriesOfSide[side.order[k] as number] as BookEntry;
      remainders[next++] = traded === 0 ? entry : { ...entry, energyWh: leftWh };
    }
  };
  collect(offers, offerSide, soldWh);
  collect(bids, bidSide, boughtWh);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh, trades, netted, remainders };
}
