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

function compareIds(entries: readonly BookEntry[], a: number, b: number): number {
  const idA = (entries[a] as BookEntry).order.id;
  const idB = (entries[b] as BookEntry).order.id;
  return idA < idB ? -1 : idA > idB ? 1 : a - b;
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
  let minLimit = Infinity;
  let maxLimit = -Infinity;
  for (let i = 0; i < n; i += 1) {
    const limit = (entries[i] as BookEntry).limitMicroPerKWh;
    if (limit < minLimit) minLimit = limit;
    if (limit > maxLimit) maxLimit = limit;
  }
  const isSell = side === 'sell';
  const limitAt = (index: number) => (entries[index] as BookEntry).limitMicroPerKWh;
  if ((maxLimit - minLimit + 1) * n <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const rank = isSell ? limitAt(i) - minLimit : maxLimit - limitAt(i);
      keys[i] = rank * n + i;
    }
    keys.sort();
    for (let k = 0; k < n; k += 1) order[k] = (keys[k] as number) % n;
  } else {
    for (let i = 0; i < n; i += 1) order[i] = i;
    order.sort((a, b) => (isSell ? limitAt(a) - limitAt(b) : limitAt(b) - limitAt(a)));
  }
  let runStart = 0;
  for (let k = 1; k <= n; k += 1) {
    if (k === n || limitAt(order[k] as number) !== limitAt(order[runStart] as number)) {
      if (k - runStart > 1) order.subarray(runStart, k).sort((a, b) => compareIds(entries, a, b));
      runStart = k;
    }
  }
  return order;
}
