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

function meanOf(values: Float32Array, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i] as number;
  return sum / count;
}

/**
 * Computes Vrms, Irms, real and apparent power and power factor from `count` interleaved sample pairs.
 * `voltage[k]` was read just before `current[k]`. Updates `offsets` in place and overwrites both buffers with
 * the offset-free signal (they are the burst's scratch buffers).
 *
 * Phase calibration keeps emonLib's meaning (PHASECAL: 1 = no shift, 1.5 = half a pair later), but the shifted
 * voltage is interpolated along the mains sinusoid rather than a straight line: linear interpolation changes
 * the amplitude by several per cent at 20 pairs a cycle, sinusoidal interpolation does not.
 *
 * @example
 * const reading = computePower(voltageSamples, currentSamples, 240, calibration, newOffsetState());
 */
export function computePower(
  voltage: Float32Array,
  current: Float32Array,
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
  let firstCrossing = -1;
  let lastCrossing = -1;
  let crossings = 0;
  for (let k = 0; k < count; k++) {
    voltageOffset += ((voltage[k] as number) - voltageOffset) / OFFSET_FILTER_DIVISOR;
    currentOffset += ((current[k] as number) - currentOffset) / OFFSET_FILTER_DIVISOR;
    voltage[k] = (voltage[k] as number) - voltageOffset;
    current[k] = (current[k] as number) - currentOffset;
    if (k > 1 && (voltage[k - 1] as number) < 0 && (voltage[k] as number) >= 0) {
      // A rising zero crossing of the voltage: samples between the first and the last cover whole cycles.
      if (firstCrossing < 0) firstCrossing = k;
      lastCrossing = k;
      crossings++;
    }
  }
  offsets.voltageOffset = voltageOffset;
  offsets.currentOffset = currentOffset;
  const cycleCount = crossings - 1;
  if (cycleCount < 1) {
    return { voltageRmsV: 0, currentRmsA: 0, realPowerW: 0, apparentPowerVa: 0, powerFactor: 0, cycleCount: 0 };
  }
  // Mains phase advance per sample pair, from the crossings themselves (no assumption about the sample rate).
  const theta = (2 * Math.PI * cycleCount) / (lastCrossing - firstCrossing);
  const shift = calibration.phaseCalibration - 1;
  const sinTheta = Math.sin(theta);
  const isForward = shift >= 0;
  const weightNear = isForward ? Math.sin((1 - shift) * theta) / sinTheta : Math.sin((1 + shift) * theta) / sinTheta;
  const weightFar = isForward ? Math.sin(shift * theta) / sinTheta : Math.sin(-shift * theta) / sinTheta;
  let sumV2 = 0;
  let sumI2 = 0;
  let sumP = 0;
  for (let k = firstCrossing; k < lastCrossing; k++) {
    const v = voltage[k] as number;
    const i = current[k] as number;
    const neighbour = isForward ? (voltage[k + 1] as number) : (voltage[k - 1] as number);
    const shiftedV = weightNear * v + weightFar * neighbour;
    sumV2 += v * v;
    sumI2 += i * i;
    sumP += shiftedV * i;
  }
  const used = lastCrossing - firstCrossing;
  const voltageRmsV = Math.abs(calibration.voltsPerUnit) * Math.sqrt(sumV2 / used);
  const currentRmsA = Math.abs(calibration.ampsPerUnit) * Math.sqrt(sumI2 / used);
  const realPowerW = calibration.voltsPerUnit * calibration.ampsPerUnit * (sumP / used);
  const apparentPowerVa = voltageRmsV * currentRmsA;
  const powerFactor = apparentPowerVa > 0 ? realPowerW / apparentPowerVa : 0;
  return { voltageRmsV, currentRmsA, realPowerW, apparentPowerVa, powerFactor, cycleCount };
}
