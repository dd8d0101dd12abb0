/**
 * The auction itself (`clearZone` steps 1–7) over typed columns, without building a single object per order or
 * per trade: the result says which priority positions trade how much, by typed arrays. `clearZone` turns it into
 * trade and remainder objects; a caller that only needs figures (a simulation, a benchmark, a future columnar
 * API) can stop here. See ADR 0103.
 */
import { readBookColumns, type BookColumns } from './bookColumns.ts';
import { clearingPriceFor, type ClearingPriceRule } from './clearingPriceRule.ts';
import { fillSide } from './fillSide.ts';
import { netSelfTradesInColumns, type NettedVolume } from './netSelfTrades.ts';
import type { BookEntry } from './order.ts';
import { pairFills, type FillPairs } from './pairFills.ts';
import { ScratchArena } from './scratchArena.ts';
import { sortBook, type SortedSide } from './sortBook.ts';

/** One zone's auction as columns. Positions are priority positions in `offerSide` / `bidSide`. */
export interface ZoneClearingColumns {
  readonly columns: BookColumns;
  readonly offerSide: SortedSide;
  readonly bidSide: SortedSide;
  /** The trades, in pairing order. */
  readonly pairs: FillPairs;
  /** Energy sold / bought at each position. */
  readonly soldWh: Float64Array;
  readonly boughtWh: Float64Array;
  readonly clearingPriceMicroPerKWh: number | null;
  readonly clearedWh: number;
  readonly netted: readonly NettedVolume[];
  /** The largest trade's energy, Wh (0 without trades). */
  readonly maxTradeWh: number;
}

/** Step 4: the volume walked while the next eligible offer's limit ≤ the next eligible bid's limit. */
function crossingQuantityWh(offers: SortedSide, bids: SortedSide, thresholdWh: number): number {
  const offerWh = offers.energiesWh;
  const bidWh = bids.energiesWh;
  let quantityWh = 0;
  let i = 0;
  let j = 0;
  let offerLeftWh = 0;
  let bidLeftWh = 0;
  for (;;) {
    while (offerLeftWh === 0 && i < offerWh.length) {
      const energyWh = offerWh[i++] as number;
      if (energyWh >= thresholdWh) offerLeftWh = energyWh;
    }
    while (bidLeftWh === 0 && j < bidWh.length) {
      const energyWh = bidWh[j++] as number;
      if (energyWh >= thresholdWh) bidLeftWh = energyWh;
    }
    if (offerLeftWh === 0 || bidLeftWh === 0) return quantityWh;
    if ((offers.limitsMicroPerKWh[i - 1] as number) > (bids.limitsMicroPerKWh[j - 1] as number)) return quantityWh;
    const stepWh = Math.min(offerLeftWh, bidLeftWh);
    quantityWh += stepWh;
    offerLeftWh -= stepWh;
    bidLeftWh -= stepWh;
  }
}

/**
 * Clears one zone's book into columns (see `clearZone` for the rules and `docs/trading_rules.md` §Clearing). The
 * arrays of the result come from `arena`: by default a new one, so they are the caller's to keep.
 *
 * @example clearZoneColumns(entries, 'default', 500).clearedWh
 */
export function clearZoneColumns(entries: readonly BookEntry[], rule: ClearingPriceRule, thresholdWh: number, arena = new ScratchArena()): ZoneClearingColumns {
  arena.reset();
  return clearBookColumns(readBookColumns(entries, arena), rule, thresholdWh, arena);
}

/** The auction over a book already read into columns (`bookColumns.ts`); lowers `columns.energiesWh` when netting. */
export function clearBookColumns(columns: BookColumns, rule: ClearingPriceRule, thresholdWh: number, arena: ScratchArena): ZoneClearingColumns {
  const netted = netSelfTradesInColumns(columns, arena);
  const { offers: offerSide, bids: bidSide } = sortBook(columns, arena);

  let quantityWh = crossingQuantityWh(offerSide, bidSide, thresholdWh);
  let offerFill = fillSide(offerSide, quantityWh, thresholdWh, arena);
  let bidFill = fillSide(bidSide, quantityWh, thresholdWh, arena);
  while (offerFill.allocatedWh !== bidFill.allocatedWh) {
    quantityWh = Math.min(offerFill.allocatedWh, bidFill.allocatedWh);
    offerFill = fillSide(offerSide, quantityWh, thresholdWh, arena);
    bidFill = fillSide(bidSide, quantityWh, thresholdWh, arena);
  }

  const pairs = pairFills(offerFill.fillsWh, bidFill.fillsWh, thresholdWh, arena);
  // Step 7: the marginal orders that traded are the last pair's: positions only grow along the pairs, and each side
  // is sorted best first, so the last seller has the highest accepted offer limit and the last buyer the lowest bid.
  const last = pairs.count - 1;
  const priceMicroPerKWh = pairs.count === 0 ? null : clearingPriceFor(
    rule,
    offerSide.limitsMicroPerKWh[pairs.sellPosition[last] as number] as number,
    bidSide.limitsMicroPerKWh[pairs.buyPosition[last] as number] as number,
  );
  const { soldWh, boughtWh, pairedWh: clearedWh, maxPairWh: maxTradeWh } = pairs;
  return { columns, offerSide, bidSide, pairs, soldWh, boughtWh, clearingPriceMicroPerKWh: priceMicroPerKWh, clearedWh, netted, maxTradeWh };
}
