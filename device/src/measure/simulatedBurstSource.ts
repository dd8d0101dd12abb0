import type { BurstSource } from './sampleBurst.ts';
import { newSampleBurst } from './sampleBurst.ts';

/** Settings of the stand-in sensor used when the board has no ADC (an emulator, a bare dev board). */
export interface SimulatedSensorSettings {
  /** Household base load, W. */
  baseLoadW: number;
  /** Peak of the rooftop PV output at solar noon, W (0 for a consumer). */
  pvPeakW: number;
  mainsHz: number;
  voltageRmsV: number;
  voltsPerUnit: number;
  ampsPerUnit: number;
  /** Sample pairs per mains cycle the stand-in produces. */
  pairsPerCycle: number;
}

const TWO_PI = 2 * Math.PI;
const SECONDS_PER_DAY = 86400;

/** Net power (W, positive imports) of the stand-in household at Unix time `timeS` (UTC hours, no season). */
export function simulatedNetPowerW(settings: SimulatedSensorSettings, timeS: number): number {
  const hour = (timeS % SECONDS_PER_DAY) / 3600;
  const evening = Math.exp(-((hour - 19) * (hour - 19)) / 4);
  const load = settings.baseLoadW * (1 + 1.5 * evening);
  const daylight = hour > 6 && hour < 18 ? Math.sin((Math.PI * (hour - 6)) / 12) : 0;
  return load - settings.pvPeakW * daylight * daylight;
}

/**
 * A burst source that synthesises mains waveforms for the stand-in household instead of reading an ADC, so a
 * board without an ADC still runs every other part of the firmware (records, queue, MQTT). Its records are
 * real records of fake energy: the provisioning marks such a meter `sensor: "simulated"` and the relay must not
 * settle it.
 */
export function createSimulatedBurstSource(settings: SimulatedSensorSettings, pairs: number): BurstSource {
  const burst = newSampleBurst(pairs);
  return () => {
    const powerW = simulatedNetPowerW(settings, getTime());
    const currentRmsA = Math.abs(powerW) / settings.voltageRmsV;
    const voltagePeak = (settings.voltageRmsV * Math.SQRT2) / settings.voltsPerUnit;
    const currentPeak = ((powerW < 0 ? -1 : 1) * currentRmsA * Math.SQRT2) / settings.ampsPerUnit;
    const step = TWO_PI / settings.pairsPerCycle;
    for (let k = 0; k < pairs; k++) {
      burst.voltage[k] = 0.5 + voltagePeak * Math.sin(k * step);
      // Read half a pair later, as a real ADC would be.
      burst.current[k] = 0.5 + currentPeak * Math.sin((k + 0.5) * step);
    }
    burst.count = pairs;
    return burst;
  };
}
