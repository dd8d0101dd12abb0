/**
 * Price-time priority without time: offers ascending by effective limit, bids descending, ties broken by order id
 * (plain UTF-16 code-unit comparison), so the same book in any input order sorts the same way.
 *
 * Speed (ADR 0103): the sort reads only typed columns (`bookColumns.ts`). Large sides whose limits are integers
 * spanning less than 2^32 are ordered by an LSD radix sort of the limit's rank (two passes of 9 bits for a price
 * band of 250 000): linear time, stable, so equal limits stay in entry order. Smaller sides pack the rank with
 * the position into one double (`rank·m + position`, exact below 2^53) and use the engine's native numeric sort
 * of a Float64Array. Anything else falls back to a comparator sort. Only runs of equal limits are then re-sorted
 * by id, reading the ids of those entries alone. The result is columnar — limits and energies copied into typed
 * arrays in priority order — so every later pass of the auction walks memory in order.
 */
import { sellSide, type BookColumns } from './bookColumns.ts';

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

/**
 * Stable LSD radix sort of `values` by unsigned 32-bit `keys` below 2^bits (both arrays are reused as scratch).
 * Returns the values in key order.
 */
function radixSortByKey(keys: Uint32Array, values: Uint32Array, bits: number): Uint32Array {
  const m = keys.length;
  const passes = Math.ceil(bits / maxDigitBits);
  const digitBits = Math.ceil(bits / passes);
  const mask = (1 << digitBits) - 1;
  const counts = new Uint32Array(mask + 1);
  let sourceKeys: Uint32Array = keys;
  let sourceValues: Uint32Array = values;
  let targetKeys: Uint32Array = new Uint32Array(m);
  let targetValues: Uint32Array = new Uint32Array(m);
  for (let pass = 0, shift = 0; pass < passes; pass += 1, shift += digitBits) {
    counts.fill(0);
    for (let i = 0; i < m; i += 1) {
      const digit = ((sourceKeys[i] as number) >>> shift) & mask;
      counts[digit] = (counts[digit] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d <= mask; d += 1) {
      const count = counts[d] as number;
      counts[d] = sum;
      sum += count;
    }
    for (let i = 0; i < m; i += 1) {
      const key = sourceKeys[i] as number;
      const digit = (key >>> shift) & mask;
      const position = counts[digit] as number;
      counts[digit] = position + 1;
      targetKeys[position] = key;
      targetValues[position] = sourceValues[i] as number;
    }
    [sourceKeys, targetKeys] = [targetKeys, sourceKeys];
    [sourceValues, targetValues] = [targetValues, sourceValues];
  }
  return sourceValues;
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
 * @example sortByPriority(readBookColumns(entries), true).order // Uint32Array [cheapest offer's index, …]
 */
export function sortByPriority(columns: BookColumns, isSell: boolean): SortedSide {
  const { sides, limitsMicroPerKWh: limits, energiesWh: energies } = columns;
  const n = sides.length;
  const sell = sellSide; // a local copy: hot loops should not read imported bindings
  let m = 0;
  let minLimit = Infinity;
  let maxLimit = -Infinity;
  let isIntegral = true;
  let selected = new Uint32Array(isSell ? columns.sellCount : n - columns.sellCount);
  for (let i = 0; i < n; i += 1) {
    if ((sides[i] === sell) !== isSell || !((energies[i] as number) > 0)) continue;
    const limit = limits[i] as number;
    if (limit < minLimit) minLimit = limit;
    if (limit > maxLimit) maxLimit = limit;
    if (!Number.isInteger(limit)) isIntegral = false;
    selected[m++] = i;
  }
  if (m < selected.length) selected = selected.slice(0, m);
  let order: Uint32Array;
  const range = maxLimit - minLimit;
  if (m > 1 && isIntegral && m >= radixMinimumLength && range < 2 ** 32) {
    const ranks = new Uint32Array(m);
    for (let p = 0; p < m; p += 1) {
      const limit = limits[selected[p] as number] as number;
      ranks[p] = isSell ? limit - minLimit : maxLimit - limit;
    }
    order = radixSortByKey(ranks, selected, range === 0 ? 0 : 32 - Math.clz32(range));
  } else if (m > 1 && isIntegral && (range + 1) * m <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(m);
    for (let p = 0; p < m; p += 1) {
      const limit = limits[selected[p] as number] as number;
      keys[p] = (isSell ? limit - minLimit : maxLimit - limit) * m + p;
    }
    keys.sort();
    order = new Uint32Array(m);
    for (let k = 0; k < m; k += 1) order[k] = selected[(keys[k] as number) % m] as number;
  } else {
    order = selected.sort((a, b) => (isSell ? (limits[a] as number) - (limits[b] as number) : (limits[b] as number) - (limits[a] as number)) || a - b);
  }
  const limitsMicroPerKWh = new Float64Array(m);
  const energiesWh = new Float64Array(m);
  for (let k = 0; k < m; k += 1) limitsMicroPerKWh[k] = limits[order[k] as number] as number;
  let runStart = 0;
  for (let k = 1; k <= m; k += 1) {
    if (k < m && limitsMicroPerKWh[k] === limitsMicroPerKWh[runStart]) continue;
    if (k - runStart > 1) sortRunById(columns.ids, order, runStart, k);
    runStart = k;
  }
  for (let k = 0; k < m; k += 1) energiesWh[k] = energies[order[k] as number] as number;
  return { order, limitsMicroPerKWh, energiesWh };
}
