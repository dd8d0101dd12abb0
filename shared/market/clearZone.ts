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
import type { BookColumns } from './bookColumns.ts';
import type { ClearingPriceRule } from './clearingPriceRule.ts';
import { clearZoneColumns } from './clearZoneColumns.ts';
import type { NettedVolume } from './netSelfTrades.ts';
import type { BookEntry } from './order.ts';
import type { FillPairs } from './pairFills.ts';
import type { SortedSide } from './sortBook.ts';
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

/**
 * Clears one zone's book. Pure and deterministic: the same entries in any order give the same result.
 * Entries must carry unique order ids (`parseOrders` checks this at the edge).
 *
 * @example
 * const result = clearZone(orders.map(bookEntryOf), { zoneId: 'feeder-1', rule: 'default', minimumTradeThresholdWh: 500 });
 */
export function clearZone(entries: readonly BookEntry[], options: ClearZoneOptions): ZoneClearing {
  const cleared = clearZoneColumns(entries, options.rule, options.minimumTradeThresholdWh);
  const { offerSide, bidSide, soldWh, boughtWh, netted, clearingPriceMicroPerKWh: priceMicroPerKWh } = cleared;
  const trades = priceMicroPerKWh === null ? [] : tradesOf(cleared.columns, offerSide, bidSide, cleared.pairs, priceMicroPerKWh, options.zoneId);
  const remainders = new Array<BookEntry>(remainderCount(offerSide, soldWh) + remainderCount(bidSide, boughtWh));
  const next = collectRemainders(entries, offerSide, soldWh, netted.length > 0, remainders, 0);
  collectRemainders(entries, bidSide, boughtWh, netted.length > 0, remainders, next);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh: cleared.clearedWh, trades, netted, remainders };
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
