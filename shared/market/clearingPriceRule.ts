/**
 * How the uniform clearing price is chosen between the marginal accepted orders. Both rules put the price
 * between the highest accepted offer limit and the lowest accepted bid limit (effective limits, fees included),
 * so every accepted seller gets at least its limit and every accepted buyer pays at most its limit.
 */

/** `default`: midpoint of the marginal offer and bid, rounded down. `gsy`: the lowest accepted bid (gsy-e). */
export type ClearingPriceRule = 'default' | 'gsy';

/** The rules, for command-line parsing and docs. */
export const clearingPriceRules: readonly ClearingPriceRule[] = ['default', 'gsy'];

/**
 * The clearing price in micro-units per kWh.
 *
 * @param marginalOfferMicroPerKWh highest effective limit among accepted offers
 * @param marginalBidMicroPerKWh lowest effective limit among accepted bids (≥ the offer's)
 *
 * @example clearingPriceFor('default', 100_000, 201_001) // → 150500
 * @example clearingPriceFor('gsy', 100_000, 201_001) // → 201001
 */
export function clearingPriceFor(rule: ClearingPriceRule, marginalOfferMicroPerKWh: number, marginalBidMicroPerKWh: number): number {
  if (rule === 'gsy') return marginalBidMicroPerKWh;
  return Math.floor((marginalOfferMicroPerKWh + marginalBidMicroPerKWh) / 2);
}
