/**
 * Price-time priority without time: offers ascending by effective limit, bids descending, ties broken by order id
 * (plain UTF-16 code-unit comparison), so the same book in any input order sorts the same way.
 *
 * Speed: the limits are packed with the entry index into one double (`limit·n + index`, exact below 2^53) and
 * sorted by the engine's native numeric sort of a Float64Array; only runs of equal limits are then re-sorted by
 * id with a comparator. Books whose packed keys would not be exact fall back to a comparator sort.
 * The result is columnar — limits and energies copied into typed arrays in priority order — so every later pass
 * of the auction walks memory in order instead of chasing entry objects.
 */
import type { BookEntry } from './order.ts';
import type { Side } from './order.ts';

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

/** One side of the book in priority order: position k is entry `order[k]`. */
export interface SortedSide {
  readonly order: Uint32Array;
  /** Order ids and participants by entry index (read once, in entry order, for building trades). */
  readonly ids: readonly string[];
  readonly participants: readonly string[];
  /** Grid fee per kWh by entry index. */
  readonly feesMicroPerKWh: Float64Array;
  /** Effective limit at each position, micro per kWh. */
  readonly limitsMicroPerKWh: Float64Array;
  /** Available energy at each position, Wh. */
  readonly energiesWh: Float64Array;
}

/**
 * Sorts one side of the book (all entries on `side`): the best-priced first.
 *
 * @example sortByPriority(offers, 'sell').order // Uint32Array [cheapest offer index, …]
 */
export function sortByPriority(entries: readonly BookEntry[], side: Side): SortedSide {
  const n = entries.length;
  const order = new Uint32Array(n);
  const limits = new Float64Array(n);
  const energies = new Float64Array(n);
  const ids = new Array<string>(n);
  const participants = new Array<string>(n);
  const feesMicroPerKWh = new Float64Array(n);
  let minLimit = Infinity;
  let maxLimit = -Infinity;
  for (let i = 0; i < n; i += 1) {
    const entry = entries[i] as BookEntry;
    const limit = entry.limitMicroPerKWh;
    limits[i] = limit;
    energies[i] = entry.energyWh;
    ids[i] = entry.order.id;
    participants[i] = entry.order.participant;
    feesMicroPerKWh[i] = entry.feeMicroPerKWh;
    if (limit < minLimit) minLimit = limit;
    if (limit > maxLimit) maxLimit = limit;
  }
  const isSell = side === 'sell';
  if (n > 0 && (maxLimit - minLimit + 1) * n <= Number.MAX_SAFE_INTEGER) {
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
  const limitsMicroPerKWh = new Float64Array(n);
  const energiesWh = new Float64Array(n);
  let runStart = 0;
  for (let k = 0; k <= n; k += 1) {
    const limit = k === n ? NaN : (limits[order[k] as number] as number);
    if (k < n) limitsMicroPerKWh[k] = limit;
    if (k > 0 && limit !== limitsMicroPerKWh[runStart]) {
      if (k - runStart > 1) sortRunById(ids, order, runStart, k);
      runStart = k;
    }
  }
  for (let k = 0; k < n; k += 1) energiesWh[k] = energies[order[k] as number] as number;
  return { order, ids, participants, feesMicroPerKWh, limitsMicroPerKWh, energiesWh };
}
