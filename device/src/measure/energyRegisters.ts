/**
 * Import and export energy registers in whole Wh, with the part of a Wh not yet counted carried forward in
 * millijoules (mJ), so that no energy is dropped by rounding and none is counted twice (DESIGN §4: the two
 * registers only ever go up).
 *
 * 1 Wh = 3 600 J = 3 600 000 mJ. A window's energy in mJ is rounded once (W × ms = mJ, error ≤ 0.5 mJ per
 * window, 4.3 J a day at one window a second); everything after that is integer arithmetic, exact on the
 * interpreter's doubles far beyond a meter's lifetime.
 */

/** Millijoules in one watt-hour. */
export const MILLIJOULES_PER_WH = 3600000;

/** Register state; every field is a non-negative integer. */
export interface EnergyRegisters {
  importWh: number;
  exportWh: number;
  /** Imported energy not yet counted in `importWh`, 0 … 3 599 999 mJ. */
  importRemainderMj: number;
  /** Exported energy not yet counted in `exportWh`, 0 … 3 599 999 mJ. */
  exportRemainderMj: number;
}

/** Registers starting from the given whole-Wh readings with nothing carried. */
export function newEnergyRegisters(importWh: number, exportWh: number): EnergyRegisters {
  return { importWh, exportWh, importRemainderMj: 0, exportRemainderMj: 0 };
}

/**
 * Energy of a constant `powerW` over `durationMs`, in whole mJ (W × ms = mJ). Positive imports, negative exports.
 */
export function energyMillijoules(powerW: number, durationMs: number): number {
  return Math.round(powerW * durationMs);
}

/**
 * Adds `energyMj` (positive: drawn from the grid; negative: fed into it) to the right register, moving whole
 * Wh out of the remainder. Mutates and returns `registers`.
 */
export function addEnergy(registers: EnergyRegisters, energyMj: number): EnergyRegisters {
  if (energyMj > 0) {
    const total = registers.importRemainderMj + energyMj;
    const wholeWh = Math.floor(total / MILLIJOULES_PER_WH);
    registers.importWh += wholeWh;
    registers.importRemainderMj = total - wholeWh * MILLIJOULES_PER_WH;
  } else if (energyMj < 0) {
    const total = registers.exportRemainderMj - energyMj;
    const wholeWh = Math.floor(total / MILLIJOULES_PER_WH);
    registers.exportWh += wholeWh;
    registers.exportRemainderMj = total - wholeWh * MILLIJOULES_PER_WH;
  }
  return registers;
}
