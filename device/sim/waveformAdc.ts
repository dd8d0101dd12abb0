/**
 * `analogRead` for a simulated clamp: mains voltage and the household's current as the ESP32's 12-bit ADC would
 * see them through the bias divider (0 … 1 of full scale, centred at 0.5). Each read advances the waveform by one
 * ADC conversion, so a burst of reads sweeps whole mains cycles as on the board; the power follows the household
 * profile at the meter's current simulated time.
 */
import type { HouseholdProfile } from './householdProfile.ts';

export interface WaveformSettings {
  voltagePin: string;
  currentPin: string;
  voltsPerUnit: number;
  ampsPerUnit: number;
  mainsHz: number;
  voltageRmsV: number;
  /** ADC conversions per second (both channels together): ~2 000 from JavaScript on an ESP32 (DESIGN §9). */
  readsPerSecond: number;
}

const ADC_STEPS = 4095;

/** Returns `analogRead(pin)` for one meter. */
export function createWaveformAdc(settings: WaveformSettings, profile: HouseholdProfile, nowS: () => number): (pin: unknown) => number {
  const omega = 2 * Math.PI * settings.mainsHz;
  const stepS = 1 / settings.readsPerSecond;
  let phaseTimeS = 0;
  let cachedSecond = -1;
  let currentPeakA = 0;
  let phaseLagRad = 0;
  const voltagePeakV = settings.voltageRmsV * Math.SQRT2;

  function refreshPower(): void {
    const now = nowS();
    const second = Math.floor(now);
    if (second === cachedSecond) return;
    cachedSecond = second;
    const powerW = profile(now);
    // Consumption is slightly inductive (PF ≈ 0.96); export comes from an inverter at PF ≈ 1.
    const powerFactor = powerW >= 0 ? 0.96 : 0.995;
    const currentRmsA = Math.abs(powerW) / (settings.voltageRmsV * powerFactor);
    currentPeakA = (powerW >= 0 ? 1 : -1) * currentRmsA * Math.SQRT2;
    phaseLagRad = Math.acos(powerFactor);
  }

  function quantise(fraction: number): number {
    const clamped = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
    return Math.round(clamped * ADC_STEPS) / ADC_STEPS;
  }

  return (pin: unknown) => {
    refreshPower();
    phaseTimeS += stepS;
    const angle = omega * phaseTimeS;
    if (pin === settings.voltagePin) {
      const volts = voltagePeakV * (Math.sin(angle) + 0.02 * Math.sin(3 * angle));
      return quantise(0.5 + volts / settings.voltsPerUnit);
    }
    if (pin === settings.currentPin) {
      const amps = currentPeakA * Math.sin(angle - phaseLagRad);
      return quantise(0.5 + amps / settings.ampsPerUnit);
    }
    return 0;
  };
}
