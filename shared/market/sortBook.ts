/**
 * Price-time priority without time: offers ascending by effective limit, bids descending, ties broken by order id
 * (plain UTF-16 code-unit comparison), so the same book in any input order sorts the same way.
 *
 * Speed (ADR 0103): the sort reads only typed columns (`bookColumns.ts`). Large sides whose limits are integers
 * spanning less than 2^32 are ordered by an LSD radix sort of the limit's rank (two passes of 9 bits for a price
 * band of 250 000): linear time, stable, so equal limits stay in entry order; `sortBook` selects both sides of a
 * large book and their ranks in a single pass. Smaller sides pack the rank with
 * the position into one double (`rank·m + position`, exact below 2^53) and use the engine's native numeric sort
 * of a Float64Array. Anything else falls back to a comparator sort. Only runs of equal limits are then re-sorted
 * by id, reading the ids of those entries alone. The result is columnar — limits and energies copied into typed
 * arrays in priority order — so every later pass of the auction walks memory in order.
 */
import { sellSide, type BookColumns } from './bookColumns.ts';
import type { ScratchArena } from './scratchArena.ts';

/** Sides at least this long are radix-sorted; below it the 2 × 512 bucket counts cost more than they save. */
const radixMinimumLength = 256;
/** Largest digit of the radix sort: 2^11 buckets (16 KiB of counts) stay in the first-level cache. */
const maxDigitBits = 11;

/** Sorts `order[start…end)` by order id; insertion sort for the short runs that ties usually make. */
function sortRunById(ids: readonly string[], order: Uint32Array, start: number, end: number): void {
  if (end - start > 16) {
    order.subarray(start, end).sort((a, b) => {
      const idA = ids[a] as string;
      const idB = ids[b] as string;
      return idA < idB ? -1 : idA > idB ? 1 : a - b;
    });
    return;
  }
  for (let k = start + 1; k < end; k += 1) {
    const moving = order[k] as number;
    const movingId = ids[moving] as string;
    let p = k - 1;
    while (p >= start && (ids[order[p] as number] as string) > movingId) {
      order[p + 1] = order[p] as number;
      p -= 1;
    }
    order[p + 1] = moving;
  }
}

/** Entry indices in key order, and the keys in that order. */
interface KeyOrder {
  readonly values: Uint32Array;
  readonly keys: Uint32Array;
}

/**
 * Stable LSD radix sort of `values` by unsigned 32-bit `keys` below 2^bits (both arrays are reused as scratch).
 * The counts of every digit are taken in one pass over the keys, so each further pass only scatters.
 */
function radixSortByKey(keys: Uint32Array, values: Uint32Array, bits: number, arena: ScratchArena): KeyOrder {
  const m = keys.length;
  const passes = Math.max(1, Math.ceil(bits / maxDigitBits));
  const digitBits = Math.ceil(bits / passes);
  const buckets = 1 << digitBits;
  const mask = buckets - 1;
  const counts = arena.u32Zeroed(passes * buckets);
  if (passes === 2) {
    for (let i = 0; i < m; i += 1) {
      const key = keys[i] as number;
      const low = key & mask;
      const high = buckets + ((key >>> digitBits) & mask);
      counts[low] = (counts[low] as number) + 1;
      counts[high] = (counts[high] as number) + 1;
    }
  } else {
    for (let i = 0; i < m; i += 1) {
      const key = keys[i] as number;
      for (let pass = 0; pass < passes; pass += 1) {
        const slot = pass * buckets + ((key >>> (pass * digitBits)) & mask);
        counts[slot] = (counts[slot] as number) + 1;
      }
    }
  }
  for (let pass = 0; pass < passes; pass += 1) {
    let sum = 0;
    for (let d = pass * buckets, end = d + buckets; d < end; d += 1) {
      const count = counts[d] as number;
      counts[d] = sum;
      sum += count;
    }
  }
  let sourceKeys: Uint32Array = keys;
  let sourceValues: Uint32Array = values;
  let targetKeys: Uint32Array = arena.u32(m);
  let targetValues: Uint32Array = arena.u32(m);
  for (let pass = 0; pass < passes; pass += 1) {
    const shift = pass * digitBits;
    const offset = pass * buckets;
    for (let i = 0; i < m; i += 1) {
      const key = sourceKeys[i] as number;
      const slot = offset + ((key >>> shift) & mask);
      const position = counts[slot] as number;
      counts[slot] = position + 1;
      targetKeys[position] = key;
      targetValues[position] = sourceValues[i] as number;
    }
    [sourceKeys, targetKeys] = [targetKeys, sourceKeys];
    [sourceValues, targetValues] = [targetValues, sourceValues];
  }
  return { values: sourceValues, keys: sourceKeys };
}

/** One side of the book in priority order: position k is entry `order[k]`. */
export interface SortedSide {
  /** Entry index (into the book given to `sortByPriority`) at each position. */
  readonly order: Uint32Array;
  /** Effective limit at each position, micro per kWh. */
  readonly limitsMicroPerKWh: Float64Array;
  /** Available energy at each position (after netting), Wh. */
  readonly energiesWh: Float64Array;
}

/**
 * Sorts one side of the book — the entries on that side with energy left (`columns.energiesWh` > 0) — the
 * best-priced first. Every other `order.side` than 'sell' counts as a bid.
 *
 * The result's arrays come from `arena`.
 *
 * @example sortByPriority(readBookColumns(entries, arena), true, arena).order // Uint32Array [cheapest offer's index, …]
 */
export function sortByPriority(columns: BookColumns, isSell: boolean, arena: ScratchArena): SortedSide {
  const { sides, limitsMicroPerKWh: limits, energiesWh: energies } = columns;
  const n = sides.length;
  const sell = sellSide; // a local copy: hot loops should not read imported bindings
  let m = 0;
  let minLimit = Infinity;
  let maxLimit = -Infinity;
  let isIntegral = true;
  let selected = arena.u32(isSell ? columns.sellCount : n - columns.sellCount);
  for (let i = 0; i < n; i += 1) {
    if ((sides[i] === sell) !== isSell || !((energies[i] as number) > 0)) continue;
    const limit = limits[i] as number;
    if (limit < minLimit) minLimit = limit;
    if (limit > maxLimit) maxLimit = limit;
    if (!Number.isInteger(limit)) isIntegral = false;
    selected[m++] = i;
  }
  if (m < selected.length) selected = selected.subarray(0, m);
  let order: Uint32Array;
  const range = maxLimit - minLimit;
  const limitsMicroPerKWh = arena.f64(m);
  if (m > 1 && isIntegral && m >= radixMinimumLength && range < 2 ** 32) {
    const ranks = arena.u32(m);
    for (let p = 0; p < m; p += 1) {
      const limit = limits[selected[p] as number] as number;
      ranks[p] = isSell ? limit - minLimit : maxLimit - limit;
    }
    const sorted = radixSortByKey(ranks, selected, range === 0 ? 1 : 32 - Math.clz32(range), arena);
    order = sorted.values;
    // The limits in priority order follow from the sorted ranks, without reading the limit column again.
    const sortedRanks = sorted.keys;
    if (isSell) for (let k = 0; k < m; k += 1) limitsMicroPerKWh[k] = minLimit + (sortedRanks[k] as number);
    else for (let k = 0; k < m; k += 1) limitsMicroPerKWh[k] = maxLimit - (sortedRanks[k] as number);
  } else {
    if (m > 1 && isIntegral && (range + 1) * m <= Number.MAX_SAFE_INTEGER) {
      const keys = arena.f64(m);
      for (let p = 0; p < m; p += 1) {
        const limit = limits[selected[p] as number] as number;
        keys[p] = (isSell ? limit - minLimit : maxLimit - limit) * m + p;
      }
      keys.sort();
      order = arena.u32(m);
      for (let k = 0; k < m; k += 1) order[k] = selected[(keys[k] as number) % m] as number;
    } else {
      order = selected.sort((a, b) => (isSell ? (limits[a] as number) - (limits[b] as number) : (limits[b] as number) - (limits[a] as number)) || a - b);
    }
    for (let k = 0; k < m; k += 1) limitsMicroPerKWh[k] = limits[order[k] as number] as number;
  }
  return finishSide(columns, order, limitsMicroPerKWh, arena);
}

/** Orders the runs of equal limits by id and copies the energies into priority order. */
function finishSide(columns: BookColumns, order: Uint32Array, limitsMicroPerKWh: Float64Array, arena: ScratchArena): SortedSide {
  const m = order.length;
  const energies = columns.energiesWh;
  const energiesWh = arena.f64(m);
  let runStart = 0;
  for (let k = 1; k <= m; k += 1) {
    if (k < m && limitsMicroPerKWh[k] === limitsMicroPerKWh[runStart]) continue;
    if (k - runStart > 1) sortRunById(columns.ids, order, runStart, k);
    runStart = k;
  }
  for (let k = 0; k < m; k += 1) energiesWh[k] = energies[order[k] as number] as number;
  return { order, limitsMicroPerKWh, energiesWh };
}

/** Both sides of a book in priority order. */
export interface BookSides {
  readonly offers: SortedSide;
  readonly bids: SortedSide;
}

/**
 * Both sides of the book in priority order (as `sortByPriority` each). A large book is read once for both: one pass
 * over the columns selects the entries with energy left and notes each one's rank — its limit above the lowest
 * offer limit, or below the highest bid limit (`columns.sellLimitRange`, `bidLimitRange`) — and each side is then
 * radix-sorted by rank. A book where that does not apply (a small side, limits that are not integers or span
 * 2^32 or more) sorts each side on its own.
 *
 * @example sortBook(columns, arena).offers.order // Uint32Array [cheapest offer's index, …]
 */
export function sortBook(columns: BookColumns, arena: ScratchArena): BookSides {
  const { sides, limitsMicroPerKWh: limits, energiesWh: energies, sellCount, sellLimitRange, bidLimitRange } = columns;
  const n = sides.length;
  const bidCount = n - sellCount;
  const sellBase = sellLimitRange.min;
  const bidBase = bidLimitRange.max;
  const sellRange = sellLimitRange.max - sellBase;
  const bidRange = bidBase - bidLimitRange.min;
  if (sellCount < radixMinimumLength || bidCount < radixMinimumLength || !(sellRange < 2 ** 32 && bidRange < 2 ** 32)) {
    return { offers: sortByPriority(columns, true, arena), bids: sortByPriority(columns, false, arena) };
  }
  const sell = sellSide; // a local copy: hot loops should not read imported bindings
  const sellOrder = arena.u32(sellCount);
  const sellRanks = arena.u32(sellCount);
  const bidOrder = arena.u32(bidCount);
  const bidRanks = arena.u32(bidCount);
  let sellM = 0;
  let bidM = 0;
  // A rank that is not a whole number below 2^32 (a fractional or NaN limit) sends the book to the general path.
  let ranked = true;
  for (let i = 0; i < n; i += 1) {
    if (!((energies[i] as number) > 0)) continue;
    const limit = limits[i] as number;
    if (sides[i] === sell) {
      const rank = limit - sellBase;
      if (rank >>> 0 !== rank) ranked = false;
      sellRanks[sellM] = rank;
      sellOrder[sellM] = i;
      sellM += 1;
    } else {
      const rank = bidBase - limit;
      if (rank >>> 0 !== rank) ranked = false;
      bidRanks[bidM] = rank;
      bidOrder[bidM] = i;
      bidM += 1;
    }
  }
  if (!ranked || sellM < radixMinimumLength || bidM < radixMinimumLength) {
    return { offers: sortByPriority(columns, true, arena), bids: sortByPriority(columns, false, arena) };
  }
  return {
    offers: radixSide(columns, sellOrder.subarray(0, sellM), sellRanks.subarray(0, sellM), sellRange, sellBase, 1, arena),
    bids: radixSide(columns, bidOrder.subarray(0, bidM), bidRanks.subarray(0, bidM), bidRange, bidBase, -1, arena),
  };
}

/** One side radix-sorted by rank; its limit at each position is `base + direction · rank`. */
function radixSide(columns: BookColumns, selected: Uint32Array, ranks: Uint32Array, range: number, base: number, direction: number, arena: ScratchArena): SortedSide {
  const m = selected.length;
  const sorted = radixSortByKey(ranks, selected, range === 0 ? 1 : 32 - Math.clz32(range), arena);
  const sortedRanks = sorted.keys;
  const limitsMicroPerKWh = arena.f64(m);
  for (let k = 0; k < m; k += 1) limitsMicroPerKWh[k] = base + direction * (sortedRanks[k] as number);
  return finishSide(columns, sorted.values, limitsMicroPerKWh, arena);
}
