/**
 * Price-time priority without time: offers ascending by effective limit, bids descending, ties broken by order id
 * (plain UTF-16 code-unit comparison), so the same book in any input order sorts the same way.
 *
 * Speed: the limits are packed with the entry index into one double (`limit·n + index`, exact below 2^53) and
 * sorted by the engine's native numeric sort of a Float64Array; only runs of equal limits are then re-sorted by
 * id with a comparator. Books whose packed keys would not be exact fall back to a comparator sort.
 */
import type { BookEntry } from './order.ts';
import type { Side } from './order.ts';

/** Sorts `order[start…end)` by order id; insertion sort for the short runs that ties usually make. */
function sortRunById(entries: readonly BookEntry[], order: Uint32Array, start: number, end: number): void {
  if (end - start > 16) {
    const ids = new Map<number, string>();
    for (let k = start; k < end; k += 1) ids.set(order[k] as number, (entries[order[k] as number] as BookEntry).order.id);
    order.subarray(start, end).sort((a, b) => {
      const idA = ids.get(a) as string;
      const idB = ids.get(b) as string;
      return idA < idB ? -1 : idA > idB ? 1 : a - b;
    });
    return;
  }
  for (let k = start + 1; k < end; k += 1) {
    const moving = order[k] as number;
    const movingId = (entries[moving] as BookEntry).order.id;
    let p = k - 1;
    while (p >= start && (entries[order[p] as number] as BookEntry).order.id > movingId) {
      order[p + 1] = order[p] as number;
      p -= 1;
    }
    order[p + 1] = moving;
  }
}

/**
 * Indices of `entries` (all on `side`) in priority order: the best-priced first.
 *
 * @example sortByPriority(offers, 'sell') // Uint32Array [cheapest offer index, …]
 */
export function sortByPriority(entries: readonly BookEntry[], side: Side): Uint32Array {
  const n = entries.length;
  const order = new Uint32Array(n);
  if (n === 0) return order;
  const limits = new Float64Array(n);
  let minLimit = Infinity;
  let maxLimit = -Infinity;
  for (let i = 0; i < n; i += 1) {
    const limit = (entries[i] as BookEntry).limitMicroPerKWh;
    limits[i] = limit;
    if (limit < minLimit) minLimit = limit;
    if (limit > maxLimit) maxLimit = limit;
  }
  const isSell = side === 'sell';
  if ((maxLimit - minLimit + 1) * n <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const rank = isSell ? (limits[i] as number) - minLimit : maxLimit - (limits[i] as number);
      keys[i] = rank * n + i;
    }
    keys.sort();
    for (let k = 0; k < n; k += 1) order[k] = (keys[k] as number) % n;
  } else {
    for (let i = 0; i < n; i += 1) order[i] = i;
    order.sort((a, b) => (isSell ? (limits[a] as number) - (limits[b] as number) : (limits[b] as number) - (limits[a] as number)));
  }
  let runStart = 0;
  let runLimit = limits[order[0] as number] as number;
  for (let k = 1; k <= n; k += 1) {
    const limit = k === n ? NaN : (limits[order[k] as number] as number);
    if (limit !== runLimit) {
      if (k - runStart > 1) sortRunById(entries, order, runStart, k);
      runStart = k;
      runLimit = limit;
    }
  }
  return order;
}
