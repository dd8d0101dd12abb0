/**
 * The no-self-trade rule: a participant found on both sides of one zone's book is netted before the auction.
 * Its sell and buy volumes cancel up to the smaller of the two ("self-supplied": behind one meter, a home's own
 * production covers its own consumption first), taken from its least competitive orders first — the highest
 * offers and the lowest bids, ties by id descending. Afterwards each participant is on at most one side, so no
 * pairing can match a participant with itself. See `docs/trading_rules.md` §Self-trades.
 */
import type { BookEntry } from './order.ts';

/** Volume a participant supplied to itself in one zone. */
export interface NettedVolume {
  readonly participant: string;
  readonly energyWh: number;
}

/** The book after netting, and what was netted (sorted by participant key). */
export interface NettedBook {
  readonly entries: readonly BookEntry[];
  readonly netted: readonly NettedVolume[];
}

/** Bitmap size for the prefilter: about 16 bits per entry, a power of two between 2^6 and 2^20. */
function markBitsFor(entryCount: number): number {
  let bits = 64;
  while (bits < entryCount * 16 && bits < 1 << 20) bits *= 2;
  return bits;
}

function reduceFromWorst(entries: BookEntry[], amountWh: number, isSell: boolean, replaced: Map<BookEntry, BookEntry>): void {
  const worstFirst = [...entries].sort((a, b) => {
    const byLimit = isSell ? b.limitMicroPerKWh - a.limitMicroPerKWh : a.limitMicroPerKWh - b.limitMicroPerKWh;
    return byLimit !== 0 ? byLimit : a.order.id < b.order.id ? 1 : a.order.id > b.order.id ? -1 : 0;
  });
  let leftWh = amountWh;
  for (const entry of worstFirst) {
    if (leftWh === 0) break;
    const takenWh = Math.min(leftWh, entry.energyWh);
    leftWh -= takenWh;
    replaced.set(entry, { ...entry, energyWh: entry.energyWh - takenWh });
  }
}

/**
 * Nets every participant that is on both sides. Entries reduced to 0 Wh are removed.
 *
 * @example netSelfTrades([sell 800 Wh by A, buy 300 Wh by A]) // → A sells 500 Wh; netted [{A, 300}]
 */
export function netSelfTrades(entries: readonly BookEntry[]): NettedBook {
  // Prefilter without hashing whole strings into a Set: each seller's precomputed participant hash marks a bit;
  // only buyers whose bit is marked are compared exactly. (A Set of 100 000 address strings costs more than the
  // sort of the book.)
  const markBits = markBitsFor(entries.length);
  const marks = new Uint8Array(markBits >>> 3);
  let sellerCount = 0;
  for (const entry of entries) {
    if (entry.order.side !== 'sell') continue;
    const h = entry.participantHash & (markBits - 1);
    marks[h >>> 3] = (marks[h >>> 3] as number) | (1 << (h & 7));
    sellerCount += 1;
  }
  if (sellerCount === 0 || sellerCount === entries.length) return { entries, netted: [] };
  const candidates = new Set<string>();
  const candidateMarks = new Uint8Array(markBits >>> 3);
  for (const entry of entries) {
    if (entry.order.side !== 'buy') continue;
    const h = entry.participantHash & (markBits - 1);
    if (((marks[h >>> 3] as number) & (1 << (h & 7))) !== 0) {
      candidates.add(entry.participantKey);
      candidateMarks[h >>> 3] = (candidateMarks[h >>> 3] as number) | (1 << (h & 7));
    }
  }
  if (candidates.size === 0) return { entries, netted: [] };
  const both = new Set<string>();
  for (const entry of entries) {
    if (entry.order.side !== 'sell') continue;
    const h = entry.participantHash & (markBits - 1);
    if (((candidateMarks[h >>> 3] as number) & (1 << (h & 7))) !== 0 && candidates.has(entry.participantKey)) {
      both.add(entry.participantKey);
    }
  }
  if (both.size === 0) return { entries, netted: [] };

  const byParticipant = new Map<string, { sells: BookEntry[]; buys: BookEntry[] }>();
  for (const entry of entries) {
    const key = entry.participantKey;
    if (!both.has(key)) continue;
    let group = byParticipant.get(key);
    if (group === undefined) byParticipant.set(key, (group = { sells: [], buys: [] }));
    (entry.order.side === 'sell' ? group.sells : group.buys).push(entry);
  }
  const replaced = new Map<BookEntry, BookEntry>();
  const netted: NettedVolume[] = [];
  for (const [key, group] of byParticipant) {
    const sellWh = group.sells.reduce((sum, e) => sum + e.energyWh, 0);
    const buyWh = group.buys.reduce((sum, e) => sum + e.energyWh, 0);
    const nettedWh = Math.min(sellWh, buyWh);
    reduceFromWorst(group.sells, nettedWh, true, replaced);
    reduceFromWorst(group.buys, nettedWh, false, replaced);
    netted.push({ participant: key, energyWh: nettedWh });
  }
  netted.sort((a, b) => (a.participant < b.participant ? -1 : a.participant > b.participant ? 1 : 0));
  const result: BookEntry[] = [];
  for (const entry of entries) {
    const next = replaced.get(entry) ?? entry;
    if (next.energyWh > 0) result.push(next);
  }
  return { entries: result, netted };
}
