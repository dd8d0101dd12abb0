/**
 * Real power from sampled voltage and current, after OpenEnergyMonitor emonLib's `calcVI`
 * (github.com/openenergymonitor/EmonLib, EmonLib.cpp): DC offset removed by a slow digital low-pass that tracks
 * the ADC bias (a high-pass on the signal), the voltage shifted in time by linear interpolation to line up with
 * the current (phase calibration), and every sum taken over whole mains cycles between rising zero crossings of
 * the voltage so a partial cycle does not bias the RMS.
 *
 * Pure arithmetic over numbers (Espruino subset): testable in Node with synthetic waveforms.
 */

/** Calibration of one meter: scales from ADC units (0 … 1 of full scale) to volts and amperes. */
export interface PowerCalibration {
  /** Volts per ADC unit after the DC offset is removed (emonLib's VCAL, scaled to a 0 … 1 reading). */
  voltsPerUnit: number;
  /** Amperes per ADC unit; negative flips a CT clamp fitted the other way round. */
  ampsPerUnit: number;
  /**
   * emonLib's PHASECAL: 1 uses each voltage sample as it is; 1.5 moves it half a sample later (the current is
   * read after the voltage); the CT's and the voltage adapter's own phase errors adjust it further.
   */
  phaseCalibration: number;
}

/** Offsets carried from one burst to the next, so the filter does not restart from zero each time. */
export interface OffsetState {
  voltageOffset: number;
  currentOffset: number;
  isSettled: boolean;
}

/** What one burst of samples measured. */
export interface PowerReading {
  voltageRmsV: number;
  currentRmsA: number;
  /** Mean of v·i over whole cycles, W; positive = drawn from the grid. */
  realPowerW: number;
  apparentPowerVa: number;
  /** realPower ÷ apparentPower, −1 … 1. */
  powerFactor: number;
  /** Whole cycles integrated; 0 means the burst had no usable cycle (no mains, or too short). */
  cycleCount: number;
}

/** emonLib's filter constant: the offset follows 1/1024 of each sample's difference. */
const OFFSET_FILTER_DIVISOR = 1024;

/** A fresh offset state; the first burst seeds it with its own mean. */
export function newOffsetState(): OffsetState {
  return { voltageOffset: 0, currentOffset: 0, isSettled: false };
}

function meanOf(values: ArrayLike<number>, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i] as number;
  return sum / count;
}

/**
 * Computes Vrms, Irms, real and apparent power and power factor from `count` interleaved sample pairs.
 * `voltage[k]` was read just before `current[k]`. Updates `offsets` in place.
 *
 * @example
 * const reading = computePower(voltageSamples, currentSamples, 240, calibration, newOffsetState());
 */
export function computePower(
  voltage: ArrayLike<number>,
  current: ArrayLike<number>,
  count: number,
  calibration: PowerCalibration,
  offsets: OffsetState,
): PowerReading {
  if (!offsets.isSettled) {
    // Seed the low-pass with this burst's mean so the first reading is usable at once (emonLib starts from
    // half scale and needs seconds to settle).
    offsets.voltageOffset = meanOf(voltage, count);
    offsets.currentOffset = meanOf(current, count);
    offsets.isSettled = true;
  }
  let voltageOffset = offsets.voltageOffset;
  let currentOffset = offsets.currentOffset;
  let lastFilteredV = 0;
  let sumV2 = 0;
  let sumI2 = 0;
  let sumP = 0;
  let used = 0;
  let crossings = 0;
  let lastCrossingUsed = 0;
  let lastCrossingSumV2 = 0;
  let lastCrossingSumI2 = 0;
  let lastCrossingSumP = 0;
  for (let k = 0; k < count; k++) {
    const sampleV = voltage[k] as number;
    const sampleI = current[k] as number;
    voltageOffset += (sampleV - voltageOffset) / OFFSET_FILTER_DIVISOR;
    currentOffset += (sampleI - currentOffset) / OFFSET_FILTER_DIVISOR;
    const filteredV = sampleV - voltageOffset;
    const filteredI = sampleI - currentOffset;
    if (k > 0 && lastFilteredV < 0 && filteredV >= 0) {
      // A rising zero crossing of the voltage: sums up to here cover whole cycles.
      crossings++;
      lastCrossingUsed = used;
      lastCrossingSumV2 = sumV2;
      lastCrossingSumI2 = sumI2;
      lastCrossingSumP = sumP;
    }
    if (crossings > 0) {
      const phaseShiftedV = lastFilteredV + calibration.phaseCalibration * (filteredV - lastFilteredV);
      sumV2 += filteredV * filteredV;
      sumI2 += filteredI * filteredI;
      sumP += phaseShiftedV * filteredI;
      used++;
    }
    lastFilteredV = filteredV;
  }
  offsets.voltageOffset = voltageOffset;
  offsets.currentOffset = currentOffset;
  const cycleCount = crossings - 1;
  if (cycleCount < 1 || lastCrossingUsed === 0) {
    return { voltageRmsV: 0, currentRmsA: 0, realPowerW: 0, apparentPowerVa: 0, powerFactor: 0, cycleCount: 0 };
  }
  const voltageRmsV = Math.abs(calibration.voltsPerUnit) * Math.sqrt(lastCrossingSumV2 / lastCrossingUsed);
  const currentRmsA = Math.abs(calibration.ampsPerUnit) * Math.sqrt(lastCrossingSumI2 / lastCrossingUsed);
  const realPowerW = calibration.voltsPerUnit * calibration.ampsPerUnit * (lastCrossingSumP / lastCrossingUsed);
  const apparentPowerVa = voltageRmsV * currentRmsA;
  const powerFactor = apparentPowerVa > 0 ? realPowerW / apparentPowerVa : 0;
  return { voltageRmsV, currentRmsA, realPowerW, apparentPowerVa, powerFactor, cycleCount };
}
