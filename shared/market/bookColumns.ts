/**
 * A zone's book as typed columns by entry index: what self-trade netting and the auction read of every entry,
 * gathered in a single pass over the entry objects. Every later pass walks these arrays instead of chasing
 * objects scattered over the heap (which, for 100 000 orders, cost more than sorting them). See ADR 0103.
 */
import type { BookEntry } from './order.ts';

/** Side codes of `BookColumns.sides`. */
export const sellSide = 0;
export const buySide = 1;
/** Any other `order.side` value: a bid for the auction, but never a netting candidate (as before validation). */
export const otherSide = 2;

/**
 * The fields of a book that netting and the auction read, one typed column each, by entry index. Filled in one
 * pass over the entry objects (`readBookColumns`) so that later passes touch no objects.
 */
export interface BookColumns {
  readonly sides: Uint8Array;
  readonly limitsMicroPerKWh: Float64Array;
  /** Energy available, Wh; `netSelfTradesInColumns` lowers it for netted entries. */
  readonly energiesWh: Float64Array;
  readonly participantHashes: Uint32Array;
  /** `order.id`, `order.participant` and `feeMicroPerKWh` of each entry, for the trades and for ties by id. */
  readonly ids: readonly string[];
  readonly participants: readonly string[];
  readonly feesMicroPerKWh: Float64Array;
  readonly sellCount: number;
}

/** Reads a book into columns: the only pass of the auction over every entry object. */
export function readBookColumns(entries: readonly BookEntry[]): BookColumns {
  const n = entries.length;
  const sides = new Uint8Array(n);
  const limitsMicroPerKWh = new Float64Array(n);
  const energiesWh = new Float64Array(n);
  const participantHashes = new Uint32Array(n);
  const feesMicroPerKWh = new Float64Array(n);
  // Taken now, while the entry and its order are in cache: fetching them later, in price order, costs a cache
  // miss per field (the 100 000 orders of a large book span tens of megabytes).
  // Allocated at full length: an array this large goes straight to the large-object space, where the young-generation
  // collector does not copy it as `push` growth would.
  const ids = new Array<string>(n);
  const participants = new Array<string>(n);
  let sellCount = 0;
  for (let i = 0; i < n; i += 1) {
    const entry = entries[i] as BookEntry;
    const order = entry.order;
    ids[i] = order.id;
    participants[i] = order.participant;
    feesMicroPerKWh[i] = entry.feeMicroPerKWh;
    const side = order.side;
    if (side === 'sell') sellCount += 1;
    else sides[i] = side === 'buy' ? 1 : 2; // buySide : otherSide (literals: an imported binding costs a getter call under some loaders)
    limitsMicroPerKWh[i] = entry.limitMicroPerKWh;
    energiesWh[i] = entry.energyWh;
    participantHashes[i] = entry.participantHash;
  }
  return { sides, limitsMicroPerKWh, energiesWh, participantHashes, ids, participants, feesMicroPerKWh, sellCount };
}
