/**
 * Prices for "auto" standing orders. Exact integer formulas (written out in `docs/trading_rules.md` §Dynamic
 * pricing), all in micro-units of the settlement token per kWh:
 *
 *   band        = [feedIn, retail]                                   (the utility's two fallback prices)
 *   reference   = feedIn + ⌊(retail − feedIn) / 2⌋                   off-peak: the middle of the band
 *               = min(retail, feedIn + ⌊(retail − feedIn) × M / 20 000⌋)   in a peak hour, M = PEAK_HOUR_MULTIPLIER in bps
 *   imbalance   = trunc(10 000 × (demand − supply) / (demand + supply))     bps, −10 000…10 000; 0 if both are 0
 *   auto price  = clamp(⌊reference × (1 000 000 + s × imbalance) / 1 000 000⌋, feedIn, retail)
 *                 s = DYNAMIC_PRICING_SENSITIVITY in bps
 *
 *   auto limit = max(feedIn, auto price − F) for a seller, min(retail, auto price + F) for a buyer,
 *                 F = the grid fees an order may pay on its way to the root zone
 *
 * So with s = 200 bps (0.02), each percentage point of excess demand (100 bps of imbalance) raises the auto
 * price by 2 % of the reference, each point of excess supply lowers it by 2 %, and the price never leaves the band:
 * an auto order is never worse than the utility. The fee allowance F lets two auto orders cross in any zone
 * (their effective limits after fees still meet), instead of both insisting on the same price.
 */
import type { Side } from '../market/order.ts';

/** The utility's fallback prices for the interval. */
export interface TariffBand {
  readonly feedInTariffMicroPerKWh: number;
  readonly retailTariffMicroPerKWh: number;
}

/**
 * The reference price of the band: its middle, or in a peak hour the middle's distance from the feed-in
 * tariff stretched by the peak multiplier (capped at retail).
 *
 * @example referencePriceMicroPerKWh({ feedInTariffMicroPerKWh: 50_000, retailTariffMicroPerKWh: 300_000 }, true, 15_000) // → 237500
 */
export function referencePriceMicroPerKWh(band: TariffBand, isPeakHour: boolean, peakHourMultiplierBps: number): number {
  const spread = band.retailTariffMicroPerKWh - band.feedInTariffMicroPerKWh;
  if (!isPeakHour) return band.feedInTariffMicroPerKWh + Math.floor(spread / 2);
  return Math.min(band.retailTariffMicroPerKWh, band.feedInTariffMicroPerKWh + Math.floor((spread * peakHourMultiplierBps) / 20_000));
}

/**
 * The zone's imbalance in basis points: positive when demand exceeds supply.
 *
 * @example imbalanceBps(1000, 3000) // → 5000
 */
export function imbalanceBps(supplyWh: number, demandWh: number): number {
  if (supplyWh + demandWh === 0) return 0;
  return Number((BigInt(demandWh - supplyWh) * 10_000n) / BigInt(supplyWh + demandWh));
}

/** Inputs of the auto price. */
export interface AutoPriceInputs {
  readonly band: TariffBand;
  readonly isPeakHour: boolean;
  readonly peakHourMultiplierBps: number;
  readonly dynamicPricingSensitivityBps: number;
  /** Forecast supply and demand of the zone for the interval, Wh. */
  readonly supplyWh: number;
  readonly demandWh: number;
}

/**
 * The limit price given to every "auto" order of a zone and interval.
 *
 * @example autoPriceMicroPerKWh({ band, isPeakHour: false, peakHourMultiplierBps: 15_000, dynamicPricingSensitivityBps: 200, supplyWh: 4500, demandWh: 5500 })
 * // reference 175 000, imbalance 1 000 bps → × 1.2 → 210 000
 */
export function autoPriceMicroPerKWh(inputs: AutoPriceInputs): number {
  const reference = referencePriceMicroPerKWh(inputs.band, inputs.isPeakHour, inputs.peakHourMultiplierBps);
  const factor = 1_000_000n + BigInt(inputs.dynamicPricingSensitivityBps) * BigInt(imbalanceBps(inputs.supplyWh, inputs.demandWh));
  const numerator = BigInt(reference) * factor;
  // Floor division (BigInt division truncates toward zero; a negative result is clamped to the band anyway).
  const price = numerator >= 0n ? Number(numerator / 1_000_000n) : -1;
  return Math.min(inputs.band.retailTariffMicroPerKWh, Math.max(inputs.band.feedInTariffMicroPerKWh, price));
}

/**
 * The limit of an "auto" order: the auto price widened by the grid fees it may pay, kept in the band.
 *
 * @example autoLimitMicroPerKWh('sell', 175_000, band, 30_000) // → 145000
 */
export function autoLimitMicroPerKWh(side: Side, autoPriceMicroPerKWh: number, band: TariffBand, feeAllowanceMicroPerKWh: number): number {
  if (side === 'sell') return Math.max(band.feedInTariffMicroPerKWh, autoPriceMicroPerKWh - feeAllowanceMicroPerKWh);
  return Math.min(band.retailTariffMicroPerKWh, autoPriceMicroPerKWh + feeAllowanceMicroPerKWh);
}
