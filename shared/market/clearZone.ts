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
import { readBookColumns, readOrderColumns, type BookColumns } from './bookColumns.ts';
import type { ClearingPriceRule } from './clearingPriceRule.ts';
import { clearBookColumns, type ZoneClearingColumns } from './clearZoneColumns.ts';
import type { NettedVolume } from './netSelfTrades.ts';
import type { BookEntry, Order } from './order.ts';
import { ScratchArena } from './scratchArena.ts';
import { smallInteger } from './smallInteger.ts';
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
 * The working memory of the clearings in this module, kept from one clearing to the next (`scratchArena.ts`).
 * A clearing started while another one is using it (only possible from inside an entry's getter) takes a fresh
 * arena.
 */
const sharedArena = new ScratchArena();
let sharedArenaInUse = false;

/**
 * Clears one zone's book. Pure and deterministic: the same entries in any order give the same result.
 * Entries must carry unique order ids (`parseOrders` checks this at the edge).
 *
 * @example
 * const result = clearZone(orders.map(bookEntryOf), { zoneId: 'feeder-1', rule: 'default', minimumTradeThresholdWh: 500 });
 */
export function clearZone(entries: readonly BookEntry[], options: ClearZoneOptions): ZoneClearing {
  return clearWithArena(entries, null, options);
}

/**
 * Clears one zone's freshly placed orders: the same result as `clearZone(orders.map(bookEntryOf), options)`,
 * without making a book entry per order first (the remainders are the only entries made). The relay and the
 * `clear` command clear this way.
 *
 * @example
 * const result = clearOrders(orders, { zoneId: 'feeder-1', rule: 'default', minimumTradeThresholdWh: 500 });
 */
export function clearOrders(orders: readonly Order[], options: ClearZoneOptions): ZoneClearing {
  return clearWithArena(null, orders, options);
}

/** One clearing of either book entries or fresh orders (exactly one of them is given). */
function clearWithArena(entries: readonly BookEntry[] | null, orders: readonly Order[] | null, options: ClearZoneOptions): ZoneClearing {
  const ownsShared = !sharedArenaInUse;
  const arena = ownsShared ? sharedArena : new ScratchArena();
  sharedArenaInUse = true;
  try {
    arena.reset();
    const columns = entries !== null ? readBookColumns(entries, arena) : readOrderColumns(orders as readonly Order[], arena);
    const cleared = clearBookColumns(columns, options.rule, options.minimumTradeThresholdWh, arena);
    const priceMicroPerKWh = cleared.clearingPriceMicroPerKWh;
    const trades = priceMicroPerKWh === null ? [] : tradesOf(cleared, priceMicroPerKWh, options.zoneId);
    const remainders = entries !== null
      ? remainderEntriesOf(entries, cleared.offerSide, cleared.soldWh, cleared.bidSide, cleared.boughtWh, cleared.netted.length > 0)
      : remainderOrdersOf(orders as readonly Order[], cleared.offerSide, cleared.soldWh, cleared.bidSide, cleared.boughtWh);
    return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh: cleared.clearedWh, trades, netted: cleared.netted, remainders };
  } finally {
    if (ownsShared) sharedArenaInUse = false;
  }
}

/**
 * One trade object per pair, in pairing order. The traded orders' ids, participants and fees are read from the
 * columns by entry index (pointers only; no order object is visited), once per seller and buyer: consecutive
 * pairs share the seller or the buyer.
 */
function tradesOf(cleared: ZoneClearingColumns, priceMicroPerKWh: number, zoneId: string): Trade[] {
  const { columns, pairs } = cleared;
  const { ids, participants, feesMicroPerKWh: fees, hasFees } = columns as BookColumns;
  const offerOrder = cleared.offerSide.order;
  const bidOrder = cleared.bidSide.order;
  const count = pairs.count;
  const trades = new Array<Trade>(count);
  // An array lookup per trade when the energies are small next to the number of trades (always, for Wh lots).
  const amounts = new TradeAmountCache(priceMicroPerKWh, cleared.maxTradeWh <= 4 * count + 4096 ? cleared.maxTradeWh : 0);
  let sellerPosition = -1;
  let buyerPosition = -1;
  let sellOrderId = '';
  let buyOrderId = '';
  let seller = '';
  let buyer = '';
  let sellerFeeMicroPerKWh = 0;
  let buyerFeeMicroPerKWh = 0;
  for (let k = 0; k < count; k += 1) {
    const s = pairs.sellPosition[k] as number;
    const b = pairs.buyPosition[k] as number;
    if (s !== sellerPosition) {
      sellerPosition = s;
      const index = offerOrder[s] as number;
      sellOrderId = ids[index] as string;
      seller = participants[index] as string;
      sellerFeeMicroPerKWh = hasFees ? smallInteger(fees[index] as number) : 0;
    }
    if (b !== buyerPosition) {
      buyerPosition = b;
      const index = bidOrder[b] as number;
      buyOrderId = ids[index] as string;
      buyer = participants[index] as string;
      buyerFeeMicroPerKWh = hasFees ? smallInteger(fees[index] as number) : 0;
    }
    const energyWh = smallInteger(pairs.energyWh[k] as number);
    trades[k] = {
      zoneId,
      sellOrderId,
      buyOrderId,
      seller,
      buyer,
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

/** How many orders of one side have energy left after trading. */
function countLeft(side: SortedSide, tradedWh: Float64Array): number {
  const energiesWh = side.energiesWh;
  let count = 0;
  for (let k = 0; k < energiesWh.length; k += 1) if ((energiesWh[k] as number) > (tradedWh[k] as number)) count += 1;
  return count;
}

/**
 * What is left of each book entry, offers then bids in priority order, from slot `start` of `remainders`. An
 * entry untouched by netting and trading is returned as the same object (only its pointer is read); any other
 * gets a copy with the energy left.
 */
function writeRemainderEntries(entries: readonly BookEntry[], side: SortedSide, tradedWh: Float64Array, anyNetted: boolean, remainders: BookEntry[], start: number): number {
  const { order, energiesWh } = side;
  let slot = start;
  for (let k = 0; k < order.length; k += 1) {
    const tradedHereWh = tradedWh[k] as number;
    const leftWh = (energiesWh[k] as number) - tradedHereWh;
    if (leftWh <= 0) continue;
    const entry = entries[order[k] as number] as BookEntry;
    // Netting and trading only ever lower the energy: all of it left means neither touched the entry.
    remainders[slot] = tradedHereWh === 0 && (!anyNetted || leftWh === entry.energyWh) ? entry : { ...entry, energyWh: smallInteger(leftWh) };
    slot += 1;
  }
  return slot;
}

function remainderEntriesOf(entries: readonly BookEntry[], offerSide: SortedSide, soldWh: Float64Array, bidSide: SortedSide, boughtWh: Float64Array, anyNetted: boolean): BookEntry[] {
  const remainders = new Array<BookEntry>(countLeft(offerSide, soldWh) + countLeft(bidSide, boughtWh));
  const offerSlots = writeRemainderEntries(entries, offerSide, soldWh, anyNetted, remainders, 0);
  writeRemainderEntries(entries, bidSide, boughtWh, anyNetted, remainders, offerSlots);
  return remainders;
}

/** As `writeRemainderEntries` for fresh orders: each remainder is the order's book entry with the energy left. */
function writeRemainderOrders(orders: readonly Order[], side: SortedSide, tradedWh: Float64Array, remainders: BookEntry[], start: number): number {
  const { order: positions, energiesWh, limitsMicroPerKWh } = side;
  let slot = start;
  for (let k = 0; k < positions.length; k += 1) {
    const leftWh = (energiesWh[k] as number) - (tradedWh[k] as number);
    if (leftWh <= 0) continue;
    const order = orders[positions[k] as number] as Order;
    remainders[slot] = { order, energyWh: smallInteger(leftWh), limitMicroPerKWh: smallInteger(limitsMicroPerKWh[k] as number), feeMicroPerKWh: 0 };
    slot += 1;
  }
  return slot;
}

function remainderOrdersOf(orders: readonly Order[], offerSide: SortedSide, soldWh: Float64Array, bidSide: SortedSide, boughtWh: Float64Array): BookEntry[] {
  const remainders = new Array<BookEntry>(countLeft(offerSide, soldWh) + countLeft(bidSide, boughtWh));
  const offerSlots = writeRemainderOrders(orders, offerSide, soldWh, remainders, 0);
  writeRemainderOrders(orders, bidSide, boughtWh, remainders, offerSlots);
  return remainders;
}
