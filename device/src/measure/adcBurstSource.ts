import type { BurstSource } from './sampleBurst.ts';
import { newSampleBurst } from './sampleBurst.ts';

/**
 * Reads `pairs` voltage/current pairs from the ESP32's ADC1 with `analogRead` (0 … 1 of full scale), as fast as
 * the interpreter loops: about 1 000 pairs a second, 20 a mains cycle at 50 Hz (DESIGN §9).
 * The voltage is read first in each pair; the phase calibration accounts for the delay to the current read.
 */
export function createAdcBurstSource(voltagePin: unknown, currentPin: unknown, pairs: number): BurstSource {
  const burst = newSampleBurst(pairs);
  return () => {
    const voltage = burst.voltage;
    const current = burst.current;
    for (let k = 0; k < pairs; k++) {
      voltage[k] = analogRead(voltagePin);
      current[k] = analogRead(currentPin);
    }
    burst.count = pairs;
    return burst;
  };
}
