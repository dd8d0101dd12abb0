/**
 * Fills one side of the book up to a cleared quantity: every price level strictly better than the marginal one
 * in full, the marginal level pro rata (`rationLevel`). Entries below the threshold are never filled.
 */
import type { BookEntry } from './order.ts';
import { rationLevel } from './rationLevel.ts';

/** Fills per entry index, and their sum (≤ the quantity asked for, less when the threshold removed orders). */
export interface SideFill {
  readonly fillsWh: Float64Array;
  readonly allocatedWh: number;
}

/**
 * @param entries one side of the book
 * @param priority indices of `entries` best first (from `sortByPriority`)
 * @param quantityWh the cleared quantity to allocate
 * @param thresholdWh the minimum trade threshold
 */
export function fillSide(entries: readonly BookEntry[], priority: Uint32Array, quantityWh: number, thresholdWh: number): SideFill {
  const fillsWh = new Float64Array(entries.length);
  let allocatedWh = 0;
  let k = 0;
  const n = priority.length;
  while (k < n && allocatedWh < quantityWh) {
    const limit = (entries[priority[k] as number] as BookEntry).limitMicroPerKWh;
    let end = k;
    let levelWh = 0;
    while (end < n && (entries[priority[end] as number] as BookEntry).limitMicroPerKWh === limit) {
      const energyWh = (entries[priority[end] as number] as BookEntry).energyWh;
      if (energyWh >= thresholdWh) levelWh += energyWh;
      end += 1;
    }
    const leftWh = quantityWh - allocatedWh;
    if (levelWh <= leftWh) {
      for (let p = k; p < end; p += 1) {
        const index = priority[p] as number;
        const energyWh = (entries[index] as BookEntry).energyWh;
        if (energyWh >= thresholdWh) fillsWh[index] = energyWh;
      }
      allocatedWh += levelWh;
    } else {
      const members: number[] = [];
      for (let p = k; p < end; p += 1) {
        const index = priority[p] as number;
        if ((entries[index] as BookEntry).energyWh >= thresholdWh) members.push(index);
      }
      const shares = rationLevel(members.map((index) => (entries[index] as BookEntry).energyWh), leftWh, thresholdWh);
      members.forEach((index, m) => {
        fillsWh[index] = shares[m] as number;
        allocatedWh += shares[m] as number;
      });
      break;
    }
    k = end;
  }
  return { fillsWh, allocatedWh };
}
