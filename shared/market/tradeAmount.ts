/**
 * Money for an amount of energy at a per-kWh price: ⌊energyWh × priceMicroPerKWh / 1000⌋ micro-units.
 * Rounded down (toward zero; prices are never negative): the buyer pays and the seller receives the same rounded
 * amount, so rounding never creates money; the lost fraction is below one micro-unit per trade.
 *
 * @example amountMicroFloor(1500, 250_000) // → 375000n (1.5 kWh at 0.25 token/kWh = 0.375 token)
 */
export function amountMicroFloor(energyWh: number, priceMicroPerKWh: number): bigint {
  const product = energyWh * priceMicroPerKWh;
  if (product === 0) return 0n;
  // Below 2^53 the product is exact, and so are `% 1000` and the division of a multiple of 1000.
  if (product <= Number.MAX_SAFE_INTEGER) return BigInt((product - (product % 1000)) / 1000);
  return (BigInt(energyWh) * BigInt(priceMicroPerKWh)) / 1000n;
}
