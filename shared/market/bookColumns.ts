/**
 * A zone's book as typed columns by entry index: what self-trade netting and the auction read of every order,
 * gathered in a single pass over the input objects. Every later pass walks these arrays instead of chasing
 * objects scattered over the heap (which, for 100 000 orders, cost more than sorting them). See ADR 0103.
 */
import { participantHash, type BookEntry, type Order } from './order.ts';
import type { ScratchArena } from './scratchArena.ts';

/** The arena's string arrays the columns use (`ScratchArena.strings`). */
const idsSlot = 0;
const participantsSlot = 1;

/** Side codes of `BookColumns.sides`. */
export const sellSide = 0;
export const buySide = 1;
/** Any other `order.side` value: a bid for the auction, but never a netting candidate (as before validation). */
export const otherSide = 2;

/**
 * The fields of a book that netting and the auction read, one column each, by entry index. Filled in one pass
 * over the entries or orders (`readBookColumns`, `readOrderColumns`) so that later passes touch no objects.
 */
export interface BookColumns {
  readonly sides: Uint8Array;
  readonly limitsMicroPerKWh: Float64Array;
  /** Energy available, Wh; `netSelfTradesInColumns` lowers it for netted entries. */
  readonly energiesWh: Float64Array;
  /** `participantHash(order.participant)`: lets the self-trade check skip most string comparisons. */
  readonly participantHashes: Uint32Array;
  /**
   * `order.id`, `order.participant` and `feeMicroPerKWh` of each entry, for the trades and for ties by id. The
   * string arrays come from the arena and may be longer than the book: only the first `sides.length` are its own.
   */
  readonly ids: readonly string[];
  readonly participants: readonly string[];
  readonly feesMicroPerKWh: Float64Array;
  /** False when every fee is 0 (fresh orders): the trades then need not read the fee column. */
  readonly hasFees: boolean;
  readonly sellCount: number;
  /** Lowest and highest limit of the offers and of the bids (±Infinity when a side is empty), for the sort. */
  readonly sellLimitRange: LimitRange;
  readonly bidLimitRange: LimitRange;
}

export interface LimitRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Reads book entries into columns: the only pass of the auction over every entry object. The typed columns come
 * from `arena`.
 */
export function readBookColumns(entries: readonly BookEntry[], arena: ScratchArena): BookColumns {
  const n = entries.length;
  const sides = arena.u8Zeroed(n);
  const limitsMicroPerKWh = arena.f64(n);
  const energiesWh = arena.f64(n);
  const participantHashes = arena.u32(n);
  const feesMicroPerKWh = arena.f64(n);
  // Taken now, while the entry and its order are in cache: fetching them later, in price order, costs a cache
  // miss per field (the 100 000 orders of a large book span tens of megabytes).
  const ids = arena.strings(idsSlot, n);
  const participants = arena.strings(participantsSlot, n);
  let sellCount = 0;
  let hasFees = false;
  let sellMin = Infinity;
  let sellMax = -Infinity;
  let bidMin = Infinity;
  let bidMax = -Infinity;
  for (let i = 0; i < n; i += 1) {
    const entry = entries[i] as BookEntry;
    const order = entry.order;
    const participant = order.participant;
    ids[i] = order.id;
    participants[i] = participant;
    const feeMicroPerKWh = entry.feeMicroPerKWh;
    feesMicroPerKWh[i] = feeMicroPerKWh;
    if (feeMicroPerKWh !== 0) hasFees = true;
    const side = order.side;
    const limit = entry.limitMicroPerKWh;
    if (side === 'sell') {
      sellCount += 1;
      if (limit < sellMin) sellMin = limit;
      if (limit > sellMax) sellMax = limit;
    } else {
      sides[i] = side === 'buy' ? 1 : 2; // buySide : otherSide (literals: an imported binding costs a getter call under some loaders)
      if (limit < bidMin) bidMin = limit;
      if (limit > bidMax) bidMax = limit;
    }
    limitsMicroPerKWh[i] = limit;
    energiesWh[i] = entry.energyWh;
    participantHashes[i] = participantHash(participant);
  }
  return {
    sides, limitsMicroPerKWh, energiesWh, participantHashes, ids, participants, feesMicroPerKWh, hasFees, sellCount,
    sellLimitRange: { min: sellMin, max: sellMax }, bidLimitRange: { min: bidMin, max: bidMax },
  };
}

/**
 * Reads freshly placed orders into columns, as `readBookColumns` reads their book entries (`bookEntryOf`: full
 * energy, own limit, no fee) without making the entries.
 */
export function readOrderColumns(orders: readonly Order[], arena: ScratchArena): BookColumns {
  const n = orders.length;
  const sides = arena.u8Zeroed(n);
  const limitsMicroPerKWh = arena.f64(n);
  const energiesWh = arena.f64(n);
  const participantHashes = arena.u32(n);
  const feesMicroPerKWh = arena.f64Zeroed(n);
  const ids = arena.strings(idsSlot, n);
  const participants = arena.strings(participantsSlot, n);
  let sellCount = 0;
  let sellMin = Infinity;
  let sellMax = -Infinity;
  let bidMin = Infinity;
  let bidMax = -Infinity;
  for (let i = 0; i < n; i += 1) {
    const order = orders[i] as Order;
    const participant = order.participant;
    ids[i] = order.id;
    participants[i] = participant;
    const side = order.side;
    const limit = order.limitPriceMicroPerKWh;
    if (side === 'sell') {
      sellCount += 1;
      if (limit < sellMin) sellMin = limit;
      if (limit > sellMax) sellMax = limit;
    } else {
      sides[i] = side === 'buy' ? 1 : 2; // buySide : otherSide
      if (limit < bidMin) bidMin = limit;
      if (limit > bidMax) bidMax = limit;
    }
    limitsMicroPerKWh[i] = limit;
    energiesWh[i] = order.energyWh;
    participantHashes[i] = participantHash(participant);
  }
  return {
    sides, limitsMicroPerKWh, energiesWh, participantHashes, ids, participants, feesMicroPerKWh, hasFees: false, sellCount,
    sellLimitRange: { min: sellMin, max: sellMax }, bidLimitRange: { min: bidMin, max: bidMax },
  };
}
