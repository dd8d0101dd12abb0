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
  const remainders = remaindersOf(entries, offerSide, soldWh, bidSide, boughtWh);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh: cleared.clearedWh, trades, netted, remainders };
}

/**
 * The fields of the traded orders of one side, by priority position: the traded orders are a prefix of the
 * side, and the pairs walk it in order.
 */
interface TradedFields {
  readonly ids: string[];
  readonly participants: string[];
  readonly feesMicroPerKWh: Float64Array;
}

/**
 * Gathers the traded prefixes' ids, participants and fees. Reading them in price order would jump across the
 * 100 000-entry columns at random (a cache miss per field); instead the columns are swept once in entry order and
 * each traded entry's fields are written to its position.
 */
function gatherTradedFields(columns: BookColumns, offerSide: SortedSide, bidSide: SortedSide, pairs: FillPairs): [TradedFields, TradedFields] {
  const { ids, participants, feesMicroPerKWh: fees } = columns;
  const sellerCount = (pairs.sellPosition[pairs.count - 1] as number) + 1;
  const buyerCount = (pairs.buyPosition[pairs.count - 1] as number) + 1;
  // Position of each traded entry; sellers as p, buyers as −(p + 1), everyone else as NaN.
  const positionOf = new Float64Array(ids.length).fill(NaN);
  for (let p = 0; p < sellerCount; p += 1) positionOf[offerSide.order[p] as number] = p;
  for (let p = 0; p < buyerCount; p += 1) positionOf[bidSide.order[p] as number] = -(p + 1);
  const sellers: TradedFields = { ids: new Array<string>(sellerCount), participants: new Array<string>(sellerCount), feesMicroPerKWh: new Float64Array(sellerCount) };
  const buyers: TradedFields = { ids: new Array<string>(buyerCount), participants: new Array<string>(buyerCount), feesMicroPerKWh: new Float64Array(buyerCount) };
  for (let i = 0; i < positionOf.length; i += 1) {
    const position = positionOf[i] as number;
    if (position !== position) continue;
    const into = position >= 0 ? sellers : buyers;
    const p = position >= 0 ? position : -position - 1;
    into.ids[p] = ids[i] as string;
    into.participants[p] = participants[i] as string;
    into.feesMicroPerKWh[p] = fees[i] as number;
  }
  return [sellers, buyers];
}

/** One trade object per pair, in pairing order. */
function tradesOf(columns: BookColumns, offerSide: SortedSide, bidSide: SortedSide, pairs: FillPairs, priceMicroPerKWh: number, zoneId: string): Trade[] {
  const [sellers, buyers] = gatherTradedFields(columns, offerSide, bidSide, pairs);
  const trades = new Array<Trade>(pairs.count);
  const amounts = new TradeAmountCache(priceMicroPerKWh);
  for (let k = 0; k < pairs.count; k += 1) {
    const seller = pairs.sellPosition[k] as number;
    const buyer = pairs.buyPosition[k] as number;
    const energyWh = pairs.energyWh[k] as number;
    const sellerFeeMicroPerKWh = sellers.feesMicroPerKWh[seller] as number;
    const buyerFeeMicroPerKWh = buyers.feesMicroPerKWh[buyer] as number;
    trades[k] = {
      zoneId,
      sellOrderId: sellers.ids[seller] as string,
      buyOrderId: buyers.ids[buyer] as string,
      seller: sellers.participants[seller] as string,
      buyer: buyers.participants[buyer] as string,
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

/**
 * Notes, for each order of one side with energy left, its slot in the remainders (priority order, from `start`)
 * and the energy left; returns the next free slot.
 */
function assignRemainderSlots(side: SortedSide, tradedWh: Float64Array, slotOf: Float64Array, leftWhBySlot: Float64Array, start: number): number {
  const { order, energiesWh } = side;
  let next = start;
  for (let k = 0; k < order.length; k += 1) {
    const leftWh = (energiesWh[k] as number) - (tradedWh[k] as number);
    if (leftWh <= 0) continue;
    slotOf[order[k] as number] = next;
    leftWhBySlot[next] = leftWh;
    next += 1;
  }
  return next;
}

/**
 * What is left of each order, offers then bids in priority order. An order untouched by netting and trading is
 * returned as the same entry object; any other gets a copy with the energy left. The entries are visited in entry
 * (memory) order and written to their slots, rather than fetched in price order, which would jump at random
 * across the book.
 */
function remaindersOf(entries: readonly BookEntry[], offerSide: SortedSide, soldWh: Float64Array, bidSide: SortedSide, boughtWh: Float64Array): BookEntry[] {
  const slotOf = new Float64Array(entries.length).fill(NaN);
  const leftWhBySlot = new Float64Array(offerSide.order.length + bidSide.order.length);
  const offerSlots = assignRemainderSlots(offerSide, soldWh, slotOf, leftWhBySlot, 0);
  const count = assignRemainderSlots(bidSide, boughtWh, slotOf, leftWhBySlot, offerSlots);
  const remainders = new Array<BookEntry>(count);
  for (let i = 0; i < slotOf.length; i += 1) {
    const slot = slotOf[i] as number;
    if (slot !== slot) continue;
    const entry = entries[i] as BookEntry;
    const leftWh = leftWhBySlot[slot] as number;
    // All of its energy left means neither netting nor trading touched it (both only ever lower it).
    remainders[slot] = leftWh === entry.energyWh ? entry : { ...entry, energyWh: leftWh };
  }
  return remainders;
}
