/**
 * How quantities read on screen. Energy and money arrive as integers (Wh, micro-units of the settlement token);
 * they become decimals only here, at the last step, for people to read.
 */

const groupedNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

function decimals(value: number, fractionDigits: number): string {
  return new Intl.NumberFormat('en-GB', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}

/** 1 234 W → "1.23 kW"; 640 W → "640 W"; keeps the sign. */
export function formatPowerW(powerW: number): string {
  const magnitudeW = Math.abs(powerW);
  if (magnitudeW >= 1_000_000) return `${decimals(powerW / 1_000_000, 2)} MW`;
  if (magnitudeW >= 1_000) return `${decimals(powerW / 1_000, 2)} kW`;
  return `${groupedNumber.format(powerW)} W`;
}

/** 12 345 Wh → "12.3 kWh"; 800 Wh → "800 Wh". */
export function formatEnergyWh(energyWh: number): string {
  const magnitudeWh = Math.abs(energyWh);
  if (magnitudeWh >= 1_000_000) return `${decimals(energyWh / 1_000_000, 2)} MWh`;
  if (magnitudeWh >= 1_000) return `${decimals(energyWh / 1_000, magnitudeWh >= 100_000 ? 0 : 1)} kWh`;
  return `${groupedNumber.format(energyWh)} Wh`;
}

/** Tenths of a volt → "230.4 V". */
export function formatVoltageDv(voltageDv: number): string {
  return `${decimals(voltageDv / 10, 1)} V`;
}

/**
 * A price in micro-units of the settlement token per kWh, read as cents per kWh (1 token = 100 cents):
 * 124 000 → "12.4 ¢/kWh".
 */
export function formatPriceMicroPerKWh(priceMicroPerKWh: number): string {
  return `${decimals(priceMicroPerKWh / 10_000, 1)} ¢/kWh`;
}

/** An amount in micro-units of the settlement token (bigint or its decimal text) → "1.24" with 2 decimals. */
export function formatAmountMicro(amountMicro: bigint | string | number): string {
  const micro = BigInt(amountMicro);
  const sign = micro < 0n ? '−' : '';
  const magnitude = micro < 0n ? -micro : micro;
  const cents = (magnitude + 5_000n) / 10_000n; // round half up to cents
  return `${sign}${groupedNumber.format(Number(cents / 100n))}.${String(cents % 100n).padStart(2, '0')}`;
}

/** A ratio 0…1 → "42 %"; `undefined` (nothing to divide by) → "—". */
export function formatShare(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${Math.round(ratio * 100)} %`;
}

/** Grams of CO₂ → "1.2 kg CO₂". */
export function formatCo2Grams(grams: number): string {
  if (Math.abs(grams) >= 1_000_000) return `${decimals(grams / 1_000_000, 2)} t CO₂`;
  if (Math.abs(grams) >= 1_000) return `${decimals(grams / 1_000, 1)} kg CO₂`;
  return `${groupedNumber.format(grams)} g CO₂`;
}

/** Unix seconds → local "14:05"; with `withDate`, "27 Nov 14:05". */
export function formatClockTime(timeS: number, withDate = false): string {
  const options: Intl.DateTimeFormatOptions = withDate
    ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
    : { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return new Intl.DateTimeFormat('en-GB', options).format(new Date(timeS * 1000));
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Short power labels for a chart axis: "5 kW", "−2.5 kW", "500 W" (a true minus sign, so it is not lost). */
export function formatPowerAxisW(powerW: number): string {
  const sign = powerW < 0 ? '−' : '';
  const magnitudeW = Math.abs(powerW);
  const compact = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
  if (magnitudeW >= 1_000_000) return `${sign}${compact.format(magnitudeW / 1_000_000)} MW`;
  if (magnitudeW >= 1_000) return `${sign}${compact.format(magnitudeW / 1_000)} kW`;
  return `${sign}${compact.format(magnitudeW)} W`;
}

/** Short price labels for a chart axis: 124 000 micro per kWh → "12.4¢". */
export function formatPriceAxisMicroPerKWh(priceMicroPerKWh: number): string {
  return `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(priceMicroPerKWh / 10_000)}¢`;
}
