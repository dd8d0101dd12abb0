/**
 * Turns power readings into sample windows: energy of each reading integrated over the time since the previous
 * one, split exactly at window boundaries (so a seal's registers at an interval end hold exactly the energy up
 * to that second), and each finished window summarised for a sample record.
 *
 * Times are Unix seconds (fractional). A gap longer than `maxGapS` (a stalled loop, a clock step) is not
 * integrated: the meter did not measure then, and missing data is never filled with a guess (DESIGN §4).
 */
import type { EnergyRegisters } from './energyRegisters.ts';
import { addEnergy, energyMillijoules } from './energyRegisters.ts';
import type { PowerReading } from './powerCalculation.ts';

/** Summary of one finished window, ready to become a sample record. */
export interface WindowSummary {
  /** Window end, whole Unix seconds (a multiple of the sample period). */
  endS: number;
  importWh: number;
  exportWh: number;
  importRemainderMj: number;
  exportRemainderMj: number;
  /** Net energy over the window ÷ window length, W (rounded). */
  meanPowerW: number;
  voltageDv: number;
  currentMa: number;
  powerFactorPermille: number;
}

/** Mutable integrator state of one meter. */
export interface WindowState {
  registers: EnergyRegisters;
  samplePeriodS: number;
  maxGapS: number;
  /** End of the window being filled, or 0 before the first reading. */
  windowEndS: number;
  /** Time of the previous reading, or 0 before the first. */
  lastReadingS: number;
  windowStartS: number;
  netEnergyMj: number;
  sumVoltageV: number;
  sumCurrentA: number;
  sumRealAbsW: number;
  sumApparentVa: number;
  readingCount: number;
}

/** A fresh integrator continuing from `registers` (restored from Storage at boot). */
export function newWindowState(registers: EnergyRegisters, samplePeriodS: number, maxGapS: number): WindowState {
  return {
    registers,
    samplePeriodS,
    maxGapS,
    windowEndS: 0,
    lastReadingS: 0,
    windowStartS: 0,
    netEnergyMj: 0,
    sumVoltageV: 0,
    sumCurrentA: 0,
    sumRealAbsW: 0,
    sumApparentVa: 0,
    readingCount: 0,
  };
}

function startWindowContaining(state: WindowState, timeS: number): void {
  const period = state.samplePeriodS;
  state.windowEndS = (Math.floor(timeS / period) + 1) * period;
  state.windowStartS = timeS;
  state.netEnergyMj = 0;
  state.sumVoltageV = 0;
  state.sumCurrentA = 0;
  state.sumRealAbsW = 0;
  state.sumApparentVa = 0;
  state.readingCount = 0;
}

function summarise(state: WindowState): WindowSummary {
  const registers = state.registers;
  const durationMs = (state.windowEndS - state.windowStartS) * 1000;
  const count = state.readingCount;
  const powerFactor = state.sumApparentVa > 0 ? state.sumRealAbsW / state.sumApparentVa : 0;
  return {
    endS: state.windowEndS,
    importWh: registers.importWh,
    exportWh: registers.exportWh,
    importRemainderMj: registers.importRemainderMj,
    exportRemainderMj: registers.exportRemainderMj,
    meanPowerW: durationMs > 0 ? Math.round(state.netEnergyMj / durationMs) : 0,
    voltageDv: count > 0 ? Math.round((state.sumVoltageV / count) * 10) : 0,
    currentMa: count > 0 ? Math.round((state.sumCurrentA / count) * 1000) : 0,
    powerFactorPermille: Math.round(Math.min(1, powerFactor) * 1000),
  };
}

function accumulate(state: WindowState, reading: PowerReading, fromS: number, toS: number): void {
  const energyMj = energyMillijoules(reading.realPowerW, (toS - fromS) * 1000);
  addEnergy(state.registers, energyMj);
  state.netEnergyMj += energyMj;
}

/**
 * Integrates `reading` (measured at `timeS`, taken as the power since the previous reading) and calls
 * `onWindow` for every window that ends on the way. Returns the number of windows finished.
 */
export function integrateReading(
  state: WindowState,
  reading: PowerReading,
  timeS: number,
  onWindow: (summary: WindowSummary) => void,
): number {
  if (state.lastReadingS === 0 || timeS <= state.lastReadingS || timeS - state.lastReadingS > state.maxGapS) {
    // First reading, a clock step backwards, or a gap: start a fresh (partial) window here.
    state.lastReadingS = timeS;
    startWindowContaining(state, timeS);
    return 0;
  }
  let fromS = state.lastReadingS;
  let finished = 0;
  while (timeS >= state.windowEndS) {
    accumulate(state, reading, fromS, state.windowEndS);
    if (reading.cycleCount > 0) addReadingStats(state, reading);
    onWindow(summarise(state));
    finished++;
    fromS = state.windowEndS;
    const nextEndS = state.windowEndS + state.samplePeriodS;
    startWindowContaining(state, fromS);
    state.windowEndS = nextEndS;
  }
  accumulate(state, reading, fromS, timeS);
  if (reading.cycleCount > 0) addReadingStats(state, reading);
  state.lastReadingS = timeS;
  return finished;
}

function addReadingStats(state: WindowState, reading: PowerReading): void {
  state.sumVoltageV += reading.voltageRmsV;
  state.sumCurrentA += reading.currentRmsA;
  state.sumRealAbsW += Math.abs(reading.realPowerW);
  state.sumApparentVa += reading.apparentPowerVa;
  state.readingCount++;
}
