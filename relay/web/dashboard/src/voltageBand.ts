/**
 * The supply-voltage band the grid-stability panel checks meters against: EN 50160 §4.2.2 asks low-voltage
 * supply to stay within Un ± 10 % (Un = 230 V) for 95 % of the week's 10-minute means.
 */

/** Nominal low-voltage supply, tenths of a volt (EN 50160, IEC 60038). */
export const NOMINAL_VOLTAGE_DV = 2300;
/** Lower and upper edge of the ±10 % band, tenths of a volt. */
export const VOLTAGE_BAND_LOW_DV = 2070;
export const VOLTAGE_BAND_HIGH_DV = 2530;

/** Lowest and highest voltage seen across a zone's meters, tenths of a volt. */
export interface VoltageSpread {
  lowestDv: number;
  highestDv: number;
}

/** Where a zone's voltages sit: inside the band, or which edge they cross. */
export type VoltageVerdict = 'within' | 'below' | 'above' | 'both';

/** Classifies a spread against the ±10 % band. */
export function judgeVoltageSpread(spread: VoltageSpread): VoltageVerdict {
  const isBelow = spread.lowestDv < VOLTAGE_BAND_LOW_DV;
  const isAbove = spread.highestDv > VOLTAGE_BAND_HIGH_DV;
  if (isBelow && isAbove) return 'both';
  if (isBelow) return 'below';
  if (isAbove) return 'above';
  return 'within';
}

/** Position of a voltage on the band's gauge, 0 (band low − 5 %) … 1 (band high + 5 %), clamped. */
export function voltageGaugePosition(voltageDv: number): number {
  const scaleLowDv = VOLTAGE_BAND_LOW_DV - 115;
  const scaleHighDv = VOLTAGE_BAND_HIGH_DV + 115;
  return Math.min(1, Math.max(0, (voltageDv - scaleLowDv) / (scaleHighDv - scaleLowDv)));
}
