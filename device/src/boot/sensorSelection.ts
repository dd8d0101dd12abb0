/**
 * Picks the burst source: the clamp on the ADC when the board has one and the configuration asks for it,
 * otherwise the stand-in household (DESIGN §9: no ADC in an emulator — detect and fall back, never crash).
 */
import { createAdcBurstSource } from '../measure/adcBurstSource.ts';
import type { BurstSource } from '../measure/sampleBurst.ts';
import { createSimulatedBurstSource } from '../measure/simulatedBurstSource.ts';
import type { MeasureConfig } from './meterConfig.ts';

export interface SensorChoice {
  source: BurstSource;
  /** "adc" or "simulated": reported on the status topic so a relay never settles fake energy. */
  kind: string;
}

/** A pin by name: the board's global pin object (`D36`) where one exists, else the name itself. */
function resolvePin(name: string): unknown {
  const scope = (typeof global !== 'undefined' ? global : undefined) as any;
  return scope !== undefined && scope[name] !== undefined ? scope[name] : name;
}

/**
 * A working, wired ADC reads the biased voltage input somewhere inside 0 … 1. Builds without an ADC answer
 * `analogRead` with a constant 0 and only print an error (measured on Espruino 2v29's Linux build), and a
 * floating or shorted input sits at a rail: either way the input is not measuring, so a few readings that all
 * sit exactly on 0 or 1 count as no ADC.
 */
function hasWorkingAdc(pin: unknown): boolean {
  if (typeof analogRead !== 'function') return false;
  try {
    for (let i = 0; i < 8; i++) {
      const value = analogRead(pin);
      if (typeof value !== 'number' || isNaN(value)) return false;
      if (value > 0 && value < 1) return true;
    }
    return false;
  } catch (error) {
    return false;
  }
}

export function selectSensor(measure: MeasureConfig): SensorChoice {
  const voltagePin = resolvePin(measure.voltagePin);
  const currentPin = resolvePin(measure.currentPin);
  const esp32 = (typeof ESP32 !== 'undefined' ? ESP32 : undefined) as any;
  if (measure.sensor === 'adc' && esp32 !== undefined && typeof esp32.setAtten === 'function') {
    // ESP32.setAtten(pin, 0…3): 3 = 11 dB, the range a biased 0 … 3.3 V signal needs; set before the check
    // below, or the default 0 dB range would read the mid-rail bias as full scale.
    esp32.setAtten(voltagePin, measure.adcAttenuation);
    esp32.setAtten(currentPin, measure.adcAttenuation);
  }
  if (measure.sensor === 'adc' && hasWorkingAdc(voltagePin)) {
    return { source: createAdcBurstSource(voltagePin, currentPin, measure.samplePairsPerBurst), kind: 'adc' };
  }
  const pairsPerCycle = Math.max(8, Math.round(measure.samplePairsPerBurst / 10));
  return {
    source: createSimulatedBurstSource(
      {
        baseLoadW: measure.simulatedBaseLoadW,
        pvPeakW: measure.simulatedPvPeakW,
        mainsHz: measure.mainsHz,
        voltageRmsV: 230,
        voltsPerUnit: measure.voltsPerUnit,
        ampsPerUnit: measure.ampsPerUnit,
        pairsPerCycle,
      },
      measure.samplePairsPerBurst,
    ),
    kind: 'simulated',
  };
}
