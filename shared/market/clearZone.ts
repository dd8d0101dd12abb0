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
import { sortByPriority } from './sortBook.ts';
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

function crossingQuantityWh(
  offers: readonly BookEntry[], offerOrder: Uint32Array, bids: readonly BookEntry[], bidOrder: Uint32Array, thresholdWh: number,
): number {
  let quantityWh = 0;
  let i = 0;
  let j = 0;
  let offerLeftWh = 0;
  let bidLeftWh = 0;
  for (;;) {
    while (offerLeftWh === 0 && i < offerOrder.length) {
      const energyWh = (offers[offerOrder[i++] as number] as BookEntry).energyWh;
      if (energyWh >= thresholdWh) offerLeftWh = energyWh;
    }
    while (bidLeftWh === 0 && j < bidOrder.length) {
      const energyWh = (bids[bidOrder[j++] as number] as BookEntry).energyWh;
      if (energyWh >= thresholdWh) bidLeftWh = energyWh;
    }
    if (offerLeftWh === 0 || bidLeftWh === 0) return quantityWh;
    const offer = offers[offerOrder[i - 1] as number] as BookEntry;
    const bid = bids[bidOrder[j - 1] as number] as BookEntry;
    if (offer.limitMicroPerKWh > bid.limitMicroPerKWh) return quantityWh;
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
  const offerOrder = sortByPriority(offers, 'sell');
  const bidOrder = sortByPriority(bids, 'buy');

  let quantityWh = crossingQuantityWh(offers, offerOrder, bids, bidOrder, thresholdWh);
  let offerFill = fillSide(offers, offerOrder, quantityWh, thresholdWh);
  let bidFill = fillSide(bids, bidOrder, quantityWh, thresholdWh);
  while (offerFill.allocatedWh !== bidFill.allocatedWh) {
    quantityWh = Math.min(offerFill.allocatedWh, bidFill.allocatedWh);
    offerFill = fillSide(offers, offerOrder, quantityWh, thresholdWh);
    bidFill = fillSide(bids, bidOrder, quantityWh, thresholdWh);
  }

  const pairs = pairFills(offerOrder, offerFill.fillsWh, bidOrder, bidFill.fillsWh, thresholdWh);
  const soldWh = new Float64Array(offers.length);
  const boughtWh = new Float64Array(bids.length);
  let marginalOffer = -Infinity;
  let marginalBid = Infinity;
  let clearedWh = 0;
  for (const pair of pairs) {
    soldWh[pair.sellIndex] = (soldWh[pair.sellIndex] as number) + pair.energyWh;
    boughtWh[pair.buyIndex] = (boughtWh[pair.buyIndex] as number) + pair.energyWh;
    marginalOffer = Math.max(marginalOffer, (offers[pair.sellIndex] as BookEntry).limitMicroPerKWh);
    marginalBid = Math.min(marginalBid, (bids[pair.buyIndex] as BookEntry).limitMicroPerKWh);
    clearedWh += pair.energyWh;
  }
  const priceMicroPerKWh = pairs.length === 0 ? null : clearingPriceFor(options.rule, marginalOffer, marginalBid);

  const trades: Trade[] = [];
  if (priceMicroPerKWh !== null) {
    for (const pair of pairs) {
      const offer = offers[pair.sellIndex] as BookEntry;
      const bid = bids[pair.buyIndex] as BookEntry;
      trades.push({
        zoneId: options.zoneId,
        sellOrderId: offer.order.id,
        buyOrderId: bid.order.id,
        seller: offer.order.participant,
        buyer: bid.order.participant,
        energyWh: pair.energyWh,
        priceMicroPerKWh,
        amountMicro: amountMicroFloor(pair.energyWh, priceMicroPerKWh),
        sellerFeeMicroPerKWh: offer.feeMicroPerKWh,
        buyerFeeMicroPerKWh: bid.feeMicroPerKWh,
        sellerFeeMicro: amountMicroFloor(pair.energyWh, offer.feeMicroPerKWh),
        buyerFeeMicro: amountMicroFloor(pair.energyWh, bid.feeMicroPerKWh),
      });
    }
  }

  const remainders: BookEntry[] = [];
  const collect = (side: readonly BookEntry[], order: Uint32Array, tradedWh: Float64Array) => {
    for (const index of order) {
      const entry = side[index] as BookEntry;
      const leftWh = entry.energyWh - (tradedWh[index] as number);
      if (leftWh > 0) remainders.push(leftWh === entry.energyWh ? entry : { ...entry, energyWh: leftWh });
    }
  };
  collect(offers, offerOrder, soldWh);
  collect(bids, bidOrder, boughtWh);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh, trades, netted, remainders };
}
