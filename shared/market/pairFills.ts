/**
 * Turns per-order fills into seller–buyer pairs. With a uniform price every pairing is worth the same to each
 * side, so the pairing only has to be deterministic and respect the threshold: sellers and buyers are walked in
 * priority order (north-west corner rule), each pair taking the smaller of the two remaining fills. A piece
 * smaller than the threshold is not traded: both orders keep that energy unmatched (it goes up the zone tree
 * or to the utility). Each dropped piece is < T and there are at most (sellers + buyers − 1) of them.
 */

/** One seller–buyer pair, by entry index in the seller and buyer arrays. */
export interface FillPair {
  readonly sellIndex: number;
  readonly buyIndex: number;
  readonly energyWh: number;
}

/**
 * @param sellPriority seller indices, best first; `sellFillsWh[i]` the fill of seller i
 * @param buyPriority buyer indices, best first; `buyFillsWh[j]` the fill of buyer j
 * @returns the pairs, each ≥ `thresholdWh`; fills are not modified
 */
export function pairFills(
  sellPriority: Uint32Array,
  sellFillsWh: Float64Array,
  buyPriority: Uint32Array,
  buyFillsWh: Float64Array,
  thresholdWh: number,
): FillPair[] {
  const pairs: FillPair[] = [];
  let s = 0;
  let b = 0;
  let sellLeftWh = 0;
  let buyLeftWh = 0;
  for (;;) {
    while (sellLeftWh === 0 && s < sellPriority.length) sellLeftWh = sellFillsWh[sellPriority[s++] as number] as number;
    while (buyLeftWh === 0 && b < buyPriority.length) buyLeftWh = buyFillsWh[buyPriority[b++] as number] as number;
    if (sellLeftWh === 0 || buyLeftWh === 0) return pairs;
    const energyWh = Math.min(sellLeftWh, buyLeftWh);
    if (energyWh >= thresholdWh) {
      pairs.push({ sellIndex: sellPriority[s - 1] as number, buyIndex: buyPriority[b - 1] as number, energyWh });
    }
    sellLeftWh -= energyWh;
    buyLeftWh -= energyWh;
  }
}
