import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PowerCalibration } from './powerCalculation.ts';
import { computePower, newOffsetState } from './powerCalculation.ts';

const calibration: PowerCalibration = { voltsPerUnit: 700, ampsPerUnit: 300, phaseCalibration: 1.5 };
const PAIRS_PER_SECOND = 1000;
const MAINS_HZ = 49.9; // not a divisor of the sample rate: crossings fall between samples, as on a real grid

/** Synthetic burst: voltage read at k/rate, current half a pair later (the ADC reads them in turn). */
function burst(pairs: number, voltage: (t: number) => number, current: (t: number) => number) {
  const v = new Float32Array(pairs);
  const i = new Float32Array(pairs);
  for (let k = 0; k < pairs; k++) {
    const t = k / PAIRS_PER_SECOND;
    v[k] = 0.5 + voltage(t) / calibration.voltsPerUnit;
    i[k] = 0.5 + current(t + 0.5 / PAIRS_PER_SECOND) / calibration.ampsPerUnit;
  }
  return { v, i };
}

const w = 2 * Math.PI * MAINS_HZ;
const within = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: expected ${expected} ± ${relative * 100} %, got ${actual}`);

test('resistive load: Vrms, Irms, P and PF within 0.5 %', () => {
  const { v, i } = burst(1000, (t) => 325.27 * Math.sin(w * t), (t) => 14.142 * Math.sin(w * t));
  const reading = computePower(v, i, 1000, calibration, newOffsetState());
  within(reading.voltageRmsV, 230, 0.005, 'Vrms');
  within(reading.currentRmsA, 10, 0.005, 'Irms');
  within(reading.realPowerW, 2300, 0.005, 'P');
  within(reading.powerFactor, 1, 0.005, 'PF');
});

test('inductive load (PF 0.8 lagging): real power is V·I·cos φ within 0.5 %', () => {
  const phi = Math.acos(0.8);
  const { v, i } = burst(1000, (t) => 325.27 * Math.sin(w * t), (t) => 7.071 * Math.sin(w * t - phi));
  const reading = computePower(v, i, 1000, calibration, newOffsetState());
  within(reading.realPowerW, 230 * 5 * 0.8, 0.005, 'P');
  within(reading.apparentPowerVa, 230 * 5, 0.005, 'S');
  within(reading.powerFactor, 0.8, 0.005, 'PF');
});

test('distorted waveforms: harmonics count in the RMS, only matching harmonics carry power', () => {
  // V: fundamental + 5 % 3rd; I: fundamental + 30 % 3rd in phase + 20 % 5th (no 5th in V: no power from it).
  const { v, i } = burst(
    1000,
    (t) => 325.27 * (Math.sin(w * t) + 0.05 * Math.sin(3 * w * t)),
    (t) => 14.142 * (Math.sin(w * t) + 0.3 * Math.sin(3 * w * t) + 0.2 * Math.sin(5 * w * t)),
  );
  const reading = computePower(v, i, 1000, calibration, newOffsetState());
  const vrms = 230 * Math.sqrt(1 + 0.05 * 0.05);
  const irms = 10 * Math.sqrt(1 + 0.09 + 0.04);
  const power = 2300 * (1 + 0.05 * 0.3);
  within(reading.voltageRmsV, vrms, 0.005, 'Vrms');
  within(reading.currentRmsA, irms, 0.005, 'Irms');
  within(reading.realPowerW, power, 0.005, 'P');
  within(reading.powerFactor, power / (vrms * irms), 0.005, 'PF');
});

test('export shows as negative real power', () => {
  const { v, i } = burst(1000, (t) => 325.27 * Math.sin(w * t), (t) => -14.142 * Math.sin(w * t));
  within(computePower(v, i, 1000, calibration, newOffsetState()).realPowerW, -2300, 0.005, 'P');
});

test('a burst shorter than one cycle reports no reading instead of a wrong one', () => {
  const { v, i } = burst(15, (t) => 325.27 * Math.sin(w * t), (t) => 14.142 * Math.sin(w * t));
  assert.is(computePower(v, i, 15, calibration, newOffsetState()).cycleCount, 0);
});

test.run();
