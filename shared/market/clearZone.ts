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
import { TradeAmountCache } from './tradeAmountCache.ts';
import { clearingPriceFor, type ClearingPriceRule } from './clearingPriceRule.ts';
import { fillSide } from './fillSide.ts';
import { readBookColumns, type BookColumns } from './bookColumns.ts';
import { netSelfTradesInColumns, type NettedVolume } from './netSelfTrades.ts';
import type { BookEntry } from './order.ts';
import { pairFills, type FillPairs } from './pairFills.ts';
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
  const columns = readBookColumns(entries);
  const netted = netSelfTradesInColumns(entries, columns);
  const offerSide = sortByPriority(columns, true);
  const bidSide = sortByPriority(columns, false);

  let quantityWh = crossingQuantityWh(offerSide, bidSide, thresholdWh);
  let offerFill = fillSide(offerSide, quantityWh, thresholdWh);
  let bidFill = fillSide(bidSide, quantityWh, thresholdWh);
  while (offerFill.allocatedWh !== bidFill.allocatedWh) {
    quantityWh = Math.min(offerFill.allocatedWh, bidFill.allocatedWh);
    offerFill = fillSide(offerSide, quantityWh, thresholdWh);
    bidFill = fillSide(bidSide, quantityWh, thresholdWh);
  }

  const pairs = pairFills(offerFill.fillsWh, bidFill.fillsWh, thresholdWh);
  const soldWh = new Float64Array(offerSide.order.length);
  const boughtWh = new Float64Array(bidSide.order.length);
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
  const trades = priceMicroPerKWh === null ? [] : tradesOf(columns, offerSide, bidSide, pairs, priceMicroPerKWh, options.zoneId);
  const remainders = new Array<BookEntry>(remainderCount(offerSide, soldWh) + remainderCount(bidSide, boughtWh));
  const next = collectRemainders(entries, offerSide, soldWh, netted.length > 0, remainders, 0);
  collectRemainders(entries, bidSide, boughtWh, netted.length > 0, remainders, next);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh, trades, netted, remainders };
}

/** One trade object per pair, in pairing order; ids, participants and fees come from the book's columns. */
function tradesOf(columns: BookColumns, offerSide: SortedSide, bidSide: SortedSide, pairs: FillPairs, priceMicroPerKWh: number, zoneId: string): Trade[] {
  const { ids, participants, feesMicroPerKWh: fees } = columns;
  const trades = new Array<Trade>(pairs.count);
  const amounts = new TradeAmountCache(priceMicroPerKWh);
  for (let k = 0; k < pairs.count; k += 1) {
    const seller = offerSide.order[pairs.sellPosition[k] as number] as number;
    const buyer = bidSide.order[pairs.buyPosition[k] as number] as number;
    const energyWh = pairs.energyWh[k] as number;
    const sellerFeeMicroPerKWh = fees[seller] as number;
    const buyerFeeMicroPerKWh = fees[buyer] as number;
    trades[k] = {
      zoneId,
      sellOrderId: ids[seller] as string,
      buyOrderId: ids[buyer] as string,
      seller: participants[seller] as string,
      buyer: participants[buyer] as string,
      energyWh,
      priceMicroPerKWh,
      amountMicro: amounts.amountMicroFor(energyWh),
      sellerFeeMicroPerKWh,
      buyerFeeMicroPerKWh,
      sellerFeeMicro: sellerFeeMicroPerKWh === 0 ? 0n : amountMicroFloor(energyWh, sellerFeeMicroPerKWh),
      buyerFeeMicro: buyerFeeMicroPerKWh === 0 ? 0n : amountMicroFloor(energyWh, buyerFeeMicroPerKWh),
    };
  }
  return trades;
}

/** How many orders of one side have energy left. */
function remainderCount(side: SortedSide, tradedWh: Float64Array): number {
  let count = 0;
  for (let k = 0; k < tradedWh.length; k += 1) if ((side.energiesWh[k] as number) > (tradedWh[k] as number)) count += 1;
  return count;
}

/**
 * Writes what is left of each order of one side, in priority order, from `remainders[start]` on; returns the next
 * free index. An order untouched by netting and trading is returned as the same entry object; any other gets a
 * copy with the energy left.
 */
function collectRemainders(entries: readonly BookEntry[], side: SortedSide, tradedWh: Float64Array, isNetted: boolean, remainders: BookEntry[], start: number): number {
  const { order, energiesWh } = side;
  let next = start;
  for (let k = 0; k < order.length; k += 1) {
    const traded = tradedWh[k] as number;
    const leftWh = (energiesWh[k] as number) - traded;
    if (leftWh <= 0) continue;
    const entry = entries[order[k] as number] as BookEntry;
    // Without netting, an untraded order has all its energy left: no need to read the entry to know it.
    const isWhole = traded === 0 && (!isNetted || leftWh === entry.energyWh);
    remainders[next++] = isWhole ? entry : { ...entry, energyWh: leftWh };
  }
  return next;
}
