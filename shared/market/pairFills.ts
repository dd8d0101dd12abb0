/**
 * Turns per-order fills into seller–buyer pairs. With a uniform price every pairing is worth the same to each
 * side, so the pairing only has to be deterministic and respect the threshold: sellers and buyers are walked in
 * priority order (north-west corner rule), each pair taking the smaller of the two remaining fills. A piece
 * smaller than the threshold is not traded: both orders keep that energy unmatched (it goes up the zone tree
 * or to the utility). Each dropped piece is < T and there are at most (sellers + buyers − 1) of them.
 */
import type { ScratchArena } from './scratchArena.ts';

/**
 * The pairs as parallel typed arrays (no object per pair): pair k is the seller at priority position
 * `sellPosition[k]` and the buyer at `buyPosition[k]`.
 */
export interface FillPairs {
  readonly count: number;
  readonly sellPosition: Uint32Array;
  readonly buyPosition: Uint32Array;
  readonly energyWh: Float64Array;
  /** Energy sold / bought at each priority position (Σ of its pairs; below its fill when a piece was dropped). */
  readonly soldWh: Float64Array;
  readonly boughtWh: Float64Array;
  /** Σ of the pairs' energies. */
  readonly pairedWh: number;
  /** The largest pair's energy (0 without pairs). */
  readonly maxPairWh: number;
}

/**
 * @param sellFillsWh fill of each seller, in priority order (best first)
 * @param buyFillsWh fill of each buyer, in priority order
 * @param arena where the pair arrays come from
 * @returns the pairs, each ≥ `thresholdWh`, in pairing order; fills are not modified
 */
export function pairFills(sellFillsWh: Float64Array, buyFillsWh: Float64Array, thresholdWh: number, arena: ScratchArena): FillPairs {
  // At most one pair per change of seller or buyer.
  const capacity = sellFillsWh.length + buyFillsWh.length;
  const sellPosition = arena.u32(capacity);
  const buyPosition = arena.u32(capacity);
  const energyWh = arena.f64(capacity);
  const soldWh = arena.f64Zeroed(sellFillsWh.length);
  const boughtWh = arena.f64Zeroed(buyFillsWh.length);
  let pairedWh = 0;
  let maxPairWh = 0;
  let count = 0;
  let s = 0;
  let b = 0;
  let sellLeftWh = 0;
  let buyLeftWh = 0;
  for (;;) {
    while (sellLeftWh === 0 && s < sellFillsWh.length) sellLeftWh = sellFillsWh[s++] as number;
    while (buyLeftWh === 0 && b < buyFillsWh.length) buyLeftWh = buyFillsWh[b++] as number;
    if (sellLeftWh === 0 || buyLeftWh === 0) return { count, sellPosition, buyPosition, energyWh, soldWh, boughtWh, pairedWh, maxPairWh };
    const pieceWh = Math.min(sellLeftWh, buyLeftWh);
    if (pieceWh >= thresholdWh) {
      sellPosition[count] = s - 1;
      buyPosition[count] = b - 1;
      energyWh[count] = pieceWh;
      count += 1;
      soldWh[s - 1] = (soldWh[s - 1] as number) + pieceWh;
      boughtWh[b - 1] = (boughtWh[b - 1] as number) + pieceWh;
      pairedWh += pieceWh;
      if (pieceWh > maxPairWh) maxPairWh = pieceWh;
    }
    sellLeftWh -= pieceWh;
    buyLeftWh -= pieceWh;
  }
}
