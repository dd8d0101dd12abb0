/**
 * Fills one side of the book up to a cleared quantity: every price level strictly better than the marginal one
 * in full, the marginal level pro rata (`rationLevel`). Entries below the threshold are never filled.
 */
import { rationLevel } from './rationLevel.ts';
import type { ScratchArena } from './scratchArena.ts';
import type { SortedSide } from './sortBook.ts';

/** Fills by priority position, and their sum (≤ the quantity asked for, less when the threshold removed orders). */
export interface SideFill {
  readonly fillsWh: Float64Array;
  readonly allocatedWh: number;
}

/**
 * @param side one side of the book in priority order (from `sortByPriority`)
 * @param quantityWh the cleared quantity to allocate
 * @param thresholdWh the minimum trade threshold
 * @param arena where the fills array comes from
 */
export function fillSide(side: SortedSide, quantityWh: number, thresholdWh: number, arena: ScratchArena): SideFill {
  const { limitsMicroPerKWh: limits, energiesWh: energies } = side;
  const n = energies.length;
  const fillsWh = arena.f64Zeroed(n);
  let allocatedWh = 0;
  let k = 0;
  while (k < n && allocatedWh < quantityWh) {
    // One pass over the level: its eligible orders are filled in full while their energy is summed; only the
    // marginal level (more than what is left to allocate) is then overwritten with its pro-rata shares.
    const limit = limits[k] as number;
    let end = k;
    let levelWh = 0;
    while (end < n && limits[end] === limit) {
      const energyWh = energies[end] as number;
      if (energyWh >= thresholdWh) {
        levelWh += energyWh;
        fillsWh[end] = energyWh;
      }
      end += 1;
    }
    const leftWh = quantityWh - allocatedWh;
    if (levelWh <= leftWh) {
      allocatedWh += levelWh;
      k = end;
      continue;
    }
    const members: number[] = [];
    for (let p = k; p < end; p += 1) if ((energies[p] as number) >= thresholdWh) members.push(p);
    const shares = rationLevel(members.map((p) => energies[p] as number), leftWh, thresholdWh);
    members.forEach((p, m) => {
      fillsWh[p] = shares[m] as number;
      allocatedWh += shares[m] as number;
    });
    break;
  }
  return { fillsWh, allocatedWh };
}
