/**
 * The no-self-trade rule: a participant found on both sides of one zone's book is netted before the auction.
 * Its sell and buy volumes cancel up to the smaller of the two ("self-supplied": behind one meter, a home's own
 * production covers its own consumption first), taken from its least competitive orders first — the highest
 * offers and the lowest bids, ties by id descending. Afterwards each participant is on at most one side, so no
 * pairing can match a participant with itself. See `docs/trading_rules.md` §Self-trades.
 */
import { buySide, readBookColumns, sellSide, type BookColumns } from './bookColumns.ts';
import { participantKey, type BookEntry } from './order.ts';
import { ScratchArena } from './scratchArena.ts';
import { smallInteger } from './smallInteger.ts';

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

function reduceFromWorst(columns: BookColumns, indices: number[], amountWh: number, isSell: boolean): void {
  const { limitsMicroPerKWh: limits, ids, energiesWh } = columns;
  const worstFirst = [...indices].sort((a, b) => {
    const byLimit = isSell ? (limits[b] as number) - (limits[a] as number) : (limits[a] as number) - (limits[b] as number);
    if (byLimit !== 0) return byLimit;
    const idA = ids[a] as string;
    const idB = ids[b] as string;
    return idA < idB ? 1 : idA > idB ? -1 : 0;
  });
  let leftWh = amountWh;
  for (const index of worstFirst) {
    if (leftWh === 0) break;
    const energyWh = energiesWh[index] as number;
    const takenWh = Math.min(leftWh, energyWh);
    leftWh -= takenWh;
    energiesWh[index] = energyWh - takenWh;
  }
}

/**
 * The netting rule over columns: lowers `columns.energiesWh` of the netted entries in place (to 0 for an entry
 * netted away) and returns what was netted, sorted by participant key (empty when nobody is on both sides).
 */
export function netSelfTradesInColumns(columns: BookColumns, arena: ScratchArena): NettedVolume[] {
  const { sides, participantHashes, participants, energiesWh } = columns;
  // Local copies: hot loops should not read imported bindings.
  const sell = sellSide;
  const buy = buySide;
  const n = sides.length;
  if (columns.sellCount === 0 || columns.sellCount === n) return [];
  // Prefilter without touching the participant strings: each seller's participant hash marks a bit; a buyer
  // whose bit is marked has its full 32-bit hash noted; only hashes found in full on both sides lead to comparing
  // participant keys. (A Set of 100 000 address strings costs more than the sort of the book.)
  const markBits = markBitsFor(n);
  const mask = markBits - 1;
  const marks = arena.u8Zeroed(markBits >>> 3);
  for (let i = 0; i < n; i += 1) {
    if (sides[i] !== sell) continue;
    const h = (participantHashes[i] as number) & mask;
    marks[h >>> 3] = (marks[h >>> 3] as number) | (1 << (h & 7));
  }
  // Full hashes as int32 (small integers, which a Set hashes fast).
  const buyerHashes = new Set<number>();
  const buyerMarks = arena.u8Zeroed(markBits >>> 3);
  for (let i = 0; i < n; i += 1) {
    if (sides[i] !== buy) continue;
    const hash = participantHashes[i] as number;
    const h = hash & mask;
    if (((marks[h >>> 3] as number) & (1 << (h & 7))) === 0) continue;
    buyerHashes.add(hash | 0);
    buyerMarks[h >>> 3] = (buyerMarks[h >>> 3] as number) | (1 << (h & 7));
  }
  if (buyerHashes.size === 0) return [];
  const sharedHashes = new Set<number>();
  for (let i = 0; i < n; i += 1) {
    if (sides[i] !== sell) continue;
    const hash = participantHashes[i] as number;
    const h = hash & mask;
    if (((buyerMarks[h >>> 3] as number) & (1 << (h & 7))) !== 0 && buyerHashes.has(hash | 0)) sharedHashes.add(hash | 0);
  }
  if (sharedHashes.size === 0) return [];

  // Only entries with a shared hash can belong to a participant on both sides: the others need no key. Every
  // other side than 'sell' is grouped with the bids; a participant is on both sides with a sell and a 'buy'.
  const groups = new Map<string, { sells: number[]; buys: number[]; isBuyer: boolean }>();
  for (let i = 0; i < n; i += 1) {
    if (!sharedHashes.has((participantHashes[i] as number) | 0)) continue;
    const key = participantKey(participants[i] as string);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { sells: [], buys: [], isBuyer: false }));
    if (sides[i] === sell) group.sells.push(i);
    else {
      group.buys.push(i);
      if (sides[i] === buy) group.isBuyer = true;
    }
  }
  const byParticipant = [...groups].filter(([, group]) => group.sells.length > 0 && group.isBuyer);
  const netted: NettedVolume[] = [];
  for (const [key, group] of byParticipant) {
    const sellWh = group.sells.reduce((sum, i) => sum + (energiesWh[i] as number), 0);
    const buyWh = group.buys.reduce((sum, i) => sum + (energiesWh[i] as number), 0);
    const nettedWh = Math.min(sellWh, buyWh);
    reduceFromWorst(columns, group.sells, nettedWh, true);
    reduceFromWorst(columns, group.buys, nettedWh, false);
    netted.push({ participant: key, energyWh: smallInteger(nettedWh) });
  }
  netted.sort((a, b) => (a.participant < b.participant ? -1 : a.participant > b.participant ? 1 : 0));
  return netted;
}

/**
 * Nets every participant that is on both sides. Entries reduced to 0 Wh are removed.
 *
 * @example netSelfTrades([sell 800 Wh by A, buy 300 Wh by A]) // → A sells 500 Wh; netted [{A, 300}]
 */
export function netSelfTrades(entries: readonly BookEntry[]): NettedBook {
  const arena = new ScratchArena();
  const columns = readBookColumns(entries, arena);
  const netted = netSelfTradesInColumns(columns, arena);
  if (netted.length === 0) return { entries, netted: [] };
  const result: BookEntry[] = [];
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] as BookEntry;
    const energyWh = columns.energiesWh[i] as number;
    if (energyWh > 0) result.push(energyWh === entry.energyWh ? entry : { ...entry, energyWh: smallInteger(energyWh) });
  }
  return { entries: result, netted };
}
