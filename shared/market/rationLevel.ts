/**
 * Pro-rata rationing of the marginal price level, in integer Wh, in lots of the minimum trade threshold.
 *
 * A fill of a few hundred Wh that is not a multiple of the threshold T cannot always be cut into trades of at
 * least T (five 1 000 Wh offers against seven buyers sharing 5 000 Wh pro rata, 714 Wh each, leave no way to pair
 * without a piece below 500 Wh). So the level is rationed in lots of U = T Wh (U = 1 Wh when T = 0):
 *  1. A_lots = ⌊A / U⌋ lots to share; order k may take at most ⌊e_k / U⌋ lots;
 *  2. order k gets ⌊A_lots · e_k / Σe⌋ lots (proportional to its energy);
 *  3. the lots left over go one each to the largest remainders of step 2, ties to the earlier order in priority
 *     order (Hamilton / largest-remainder method), skipping orders already at their maximum;
 *  4. the Wh of A that do not make a whole lot go to the first orders in priority order with room, when the
 *     result is ≥ T (so a lone marginal order still gets all of A).
 * Every fill is 0 or ≥ T and never above the order. What no order can take stays unallocated; `clearZone` then
 * lowers the cleared quantity on both sides to match. See ADR 0100.
 */
import { mulDivFloorWithRemainder } from './mulDivFloor.ts';

/**
 * Shares `allocationWh` among a level's orders, given their energies in priority order.
 * Returns the fill of each (same positions). Call only when Σ energies > allocation.
 *
 * @example rationLevel([1000, 1000, 1000], 2000, 500) // → [1000, 500, 500]
 * @example rationLevel([1000, 1000, 1000], 2000, 0) // → [667, 667, 666]
 * @example rationLevel([3000], 1800, 500) // → [1800]
 */
export function rationLevel(energiesWh: readonly number[], allocationWh: number, thresholdWh: number): number[] {
  const count = energiesWh.length;
  const lotWh = Math.max(1, thresholdWh);
  const fills = new Array<number>(count).fill(0);
  let totalWh = 0;
  for (const e of energiesWh) totalWh += e;
  if (totalWh <= allocationWh) {
    for (let k = 0; k < count; k += 1) fills[k] = energiesWh[k] as number;
    return fills;
  }
  const lotsToShare = Math.floor(allocationWh / lotWh);
  const lots = new Array<number>(count).fill(0);
  const remainders: Array<[position: number, remainder: number]> = [];
  let givenLots = 0;
  for (let k = 0; k < count; k += 1) {
    const energyWh = energiesWh[k] as number;
    const [share, remainder] = mulDivFloorWithRemainder(lotsToShare, energyWh, totalWh);
    const maxLots = Math.floor(energyWh / lotWh);
    lots[k] = Math.min(share, maxLots);
    givenLots += lots[k] as number;
    if ((lots[k] as number) < maxLots) remainders.push([k, remainder]);
  }
  remainders.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (let r = 0; r < remainders.length && givenLots < lotsToShare; r += 1) {
    const position = (remainders[r] as [number, number])[0];
    lots[position] = (lots[position] as number) + 1;
    givenLots += 1;
  }
  let leftWh = allocationWh;
  for (let k = 0; k < count; k += 1) {
    fills[k] = (lots[k] as number) * lotWh;
    leftWh -= fills[k] as number;
  }
  // 4. The Wh that do not make a whole lot go to the first orders in priority order that have room.
  for (let k = 0; k < count && leftWh > 0; k += 1) {
    const fillWh = fills[k] as number;
    const addWh = Math.min(leftWh, (energiesWh[k] as number) - fillWh);
    if (addWh > 0 && fillWh + addWh >= thresholdWh) {
      fills[k] = fillWh + addWh;
      leftWh -= addWh;
    }
  }
  return fills;
}
