/**
 * One zone's call auction for one interval: uniform-price double auction, pay-as-clear.
 * Step by step (the same steps, numbered, in `docs/trading_rules.md` §Clearing):
 *  1. net self-trades (`netSelfTrades`);
 *  2. split the book into offers and bids; orders below the minimum trade threshold T stay unmatched;
 *  3. sort offers ascending and bids descending by effective limit, ties by id (`sortBook`);
 *  4. walk both curves while the next offer's limit ≤ the next bid's limit: the walked volume is the cleared
 *     quantity Q (the largest volume that supply and demand both accept);
 *  5. fill each side up to Q: better price levels in full, the marginal level pro rata (`fillSide`); if the
 *     threshold removed orders on one side, lower Q to what both sides can fill and repeat;
 *  6. pair sellers with buyers (`pairFills`), dropping pieces below T;
 *  7. price the trades with the rule (`clearingPriceFor`) from the marginal orders that actually traded.
 *
 * The steps run over typed columns (`clearZoneColumns.ts`); this module reads the book into them and builds the
 * result objects. Speed (ADR 0103): working memory from a kept arena, the traded orders' fields and the
 * remainders gathered in entry order, result objects without allocation sites, filled through young chunks.
 */
import { amountMicroFloor } from './tradeAmount.ts';
import { TradeAmountCache } from './tradeAmountCache.ts';
import { chunkBits, chunkLength, joinChunks, newChunks } from './chunkedArray.ts';
import { PlainBookEntry, PlainTrade } from './plainRecords.ts';
import { readBookColumns, readOrderColumns } from './bookColumns.ts';
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
    const trades = priceMicroPerKWh === null ? [] : tradesOf(cleared, priceMicroPerKWh, options.zoneId, arena);
    const remainders = entries !== null ? remainderEntriesOf(entries, cleared, arena) : remainderOrdersOf(orders as readonly Order[], cleared, arena);
    return { zoneId: options.zoneId, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh: cleared.clearedWh, trades, netted: cleared.netted, remainders };
  } finally {
    if (ownsShared) sharedArenaInUse = false;
  }
}

/** The arena's string arrays for the traded orders' fields (0 and 1 hold the columns' ids and participants). */
const sellOrderIdsSlot = 2;
const sellersSlot = 3;
const buyOrderIdsSlot = 4;
const buyersSlot = 5;

/** The ids, participants and fees of the orders that traded, by priority position on their side. */
interface TradedOrders {
  readonly sellOrderIds: string[];
  readonly sellers: string[];
  readonly sellerFeesMicroPerKWh: Float64Array;
  readonly buyOrderIds: string[];
  readonly buyers: string[];
  readonly buyerFeesMicroPerKWh: Float64Array;
}

/**
 * Gathers the fields of the traded orders (a prefix of each side, which the pairs walk in order). Read in price
 * order, they would be fetched from all over the 100 000-entry columns (a cache miss each); instead the columns
 * are swept once in entry order and each traded order's fields are written to its position.
 */
function gatherTradedOrders(cleared: ZoneClearingColumns, arena: ScratchArena): TradedOrders {
  const { columns, pairs } = cleared;
  const { ids, participants, feesMicroPerKWh: fees, hasFees } = columns;
  const n = columns.sides.length;
  const sellerCount = (pairs.sellPosition[pairs.count - 1] as number) + 1;
  const buyerCount = (pairs.buyPosition[pairs.count - 1] as number) + 1;
  // Position of each traded entry: p + 1 for the offer at p, −(p + 1) for the bid at p, 0 for the others.
  const positionOf = arena.i32Zeroed(n);
  const offerOrder = cleared.offerSide.order;
  const bidOrder = cleared.bidSide.order;
  for (let p = 0; p < sellerCount; p += 1) positionOf[offerOrder[p] as number] = p + 1;
  for (let p = 0; p < buyerCount; p += 1) positionOf[bidOrder[p] as number] = -(p + 1);
  const traded: TradedOrders = {
    sellOrderIds: arena.strings(sellOrderIdsSlot, sellerCount),
    sellers: arena.strings(sellersSlot, sellerCount),
    sellerFeesMicroPerKWh: arena.f64Zeroed(sellerCount),
    buyOrderIds: arena.strings(buyOrderIdsSlot, buyerCount),
    buyers: arena.strings(buyersSlot, buyerCount),
    buyerFeesMicroPerKWh: arena.f64Zeroed(buyerCount),
  };
  const { sellOrderIds, sellers, sellerFeesMicroPerKWh, buyOrderIds, buyers, buyerFeesMicroPerKWh } = traded;
  for (let i = 0; i < n; i += 1) {
    const position = positionOf[i] as number;
    if (position > 0) {
      sellOrderIds[position - 1] = ids[i] as string;
      sellers[position - 1] = participants[i] as string;
      if (hasFees) sellerFeesMicroPerKWh[position - 1] = fees[i] as number;
    } else if (position < 0) {
      buyOrderIds[-position - 1] = ids[i] as string;
      buyers[-position - 1] = participants[i] as string;
      if (hasFees) buyerFeesMicroPerKWh[-position - 1] = fees[i] as number;
    }
  }
  return traded;
}

/** One trade object per pair, in pairing order (built in chunks: `chunkedArray.ts`). */
function tradesOf(cleared: ZoneClearingColumns, priceMicroPerKWh: number, zoneId: string, arena: ScratchArena): Trade[] {
  const { sellOrderIds, sellers, sellerFeesMicroPerKWh, buyOrderIds, buyers, buyerFeesMicroPerKWh } = gatherTradedOrders(cleared, arena);
  const pairs = cleared.pairs;
  const count = pairs.count;
  const chunks = newChunks<Trade>(count);
  // An array lookup per trade when the energies are small next to the number of trades (always, for Wh lots).
  const amounts = new TradeAmountCache(priceMicroPerKWh, cleared.maxTradeWh <= 4 * count + 4096 ? cleared.maxTradeWh : 0);
  for (let k = 0; k < count; k += 1) {
    const chunk = chunks[k >>> chunkBits] as Trade[];
    const s = pairs.sellPosition[k] as number;
    const b = pairs.buyPosition[k] as number;
    const energyWh = smallInteger(pairs.energyWh[k] as number);
    const sellerFeeMicroPerKWh = smallInteger(sellerFeesMicroPerKWh[s] as number);
    const buyerFeeMicroPerKWh = smallInteger(buyerFeesMicroPerKWh[b] as number);
    chunk[k & (chunkLength - 1)] = new PlainTrade(
      zoneId,
      sellOrderIds[s] as string,
      buyOrderIds[b] as string,
      sellers[s] as string,
      buyers[b] as string,
      energyWh,
      priceMicroPerKWh,
      amounts.amountMicroFor(energyWh),
      sellerFeeMicroPerKWh,
      buyerFeeMicroPerKWh,
      sellerFeeMicroPerKWh === 0 ? 0n : amountMicroFloor(energyWh, sellerFeeMicroPerKWh),
      buyerFeeMicroPerKWh === 0 ? 0n : amountMicroFloor(energyWh, buyerFeeMicroPerKWh),
    );
  }
  return joinChunks(chunks);
}

/**
 * Notes, for each order of one side with energy left, its slot in the remainders (priority order, from `start`),
 * the energy left and its limit; returns the next free slot. Slots are stored + 1 (0: no remainder).
 */
function assignRemainderSlots(side: SortedSide, tradedWh: Float64Array, slotOf: Int32Array, leftWhBySlot: Float64Array, limitBySlot: Float64Array, start: number): number {
  const { order, energiesWh, limitsMicroPerKWh } = side;
  let next = start;
  for (let k = 0; k < order.length; k += 1) {
    const leftWh = (energiesWh[k] as number) - (tradedWh[k] as number);
    if (leftWh <= 0) continue;
    slotOf[order[k] as number] = next + 1;
    leftWhBySlot[next] = leftWh;
    limitBySlot[next] = limitsMicroPerKWh[k] as number;
    next += 1;
  }
  return next;
}

/** The remainder slots of both sides: offers then bids, each in priority order. */
interface RemainderSlots {
  readonly count: number;
  readonly slotOf: Int32Array;
  readonly leftWhBySlot: Float64Array;
  readonly limitBySlot: Float64Array;
}

function remainderSlotsOf(cleared: ZoneClearingColumns, arena: ScratchArena): RemainderSlots {
  const { offerSide, bidSide } = cleared;
  const slotOf = arena.i32Zeroed(cleared.columns.sides.length);
  const leftWhBySlot = arena.f64(offerSide.order.length + bidSide.order.length);
  const limitBySlot = arena.f64(offerSide.order.length + bidSide.order.length);
  const offerSlots = assignRemainderSlots(offerSide, cleared.soldWh, slotOf, leftWhBySlot, limitBySlot, 0);
  const count = assignRemainderSlots(bidSide, cleared.boughtWh, slotOf, leftWhBySlot, limitBySlot, offerSlots);
  return { count, slotOf, leftWhBySlot, limitBySlot };
}

/**
 * What is left of each book entry, offers then bids in priority order. An entry untouched by netting and trading
 * is returned as the same object; any other gets a copy with the energy left. The entries are visited in entry
 * (memory) order and written to their slots, rather than fetched in price order (a cache miss each).
 */
function remainderEntriesOf(entries: readonly BookEntry[], cleared: ZoneClearingColumns, arena: ScratchArena): BookEntry[] {
  const { count, slotOf, leftWhBySlot } = remainderSlotsOf(cleared, arena);
  const chunks = newChunks<BookEntry>(count);
  for (let i = 0; i < slotOf.length; i += 1) {
    const slot = (slotOf[i] as number) - 1;
    if (slot < 0) continue;
    const entry = entries[i] as BookEntry;
    const leftWh = leftWhBySlot[slot] as number;
    // Netting and trading only ever lower the energy: all of it left means neither touched the entry.
    (chunks[slot >>> chunkBits] as BookEntry[])[slot & (chunkLength - 1)] = leftWh === entry.energyWh ? entry : { ...entry, energyWh: smallInteger(leftWh) };
  }
  return joinChunks(chunks);
}

/** As `remainderEntriesOf` for fresh orders: each remainder is the order's book entry with the energy left. */
function remainderOrdersOf(orders: readonly Order[], cleared: ZoneClearingColumns, arena: ScratchArena): BookEntry[] {
  const { count, slotOf, leftWhBySlot, limitBySlot } = remainderSlotsOf(cleared, arena);
  const chunks = newChunks<BookEntry>(count);
  for (let i = 0; i < slotOf.length; i += 1) {
    const slot = (slotOf[i] as number) - 1;
    if (slot < 0) continue;
    (chunks[slot >>> chunkBits] as BookEntry[])[slot & (chunkLength - 1)] = new PlainBookEntry(
      orders[i] as Order,
      smallInteger(leftWhBySlot[slot] as number),
      smallInteger(limitBySlot[slot] as number),
      0,
    );
  }
  return joinChunks(chunks);
}
