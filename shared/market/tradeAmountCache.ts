/**
 * `amountMicroFloor` at one fixed price, remembered per energy. A zone's trades all share one price and their
 * energies repeat (whole lots, equal orders), so most trades reuse an amount already computed instead of making
 * a new bigint — which costs more than the rest of the trade object. A bigint is an immutable value: sharing one
 * between trades is indistinguishable from copies.
 */
import { amountMicroFloor } from './tradeAmount.ts';

/** Energies below this are remembered in a Map (keyed by the energy as a small integer, which hashes fast). */
const cachedBelowWh = 1 << 30;

export class TradeAmountCache {
  /**
   * Amounts by energy when every energy is a small integer (≤ `directUpToWh`): an array lookup instead of a Map
   * lookup per trade.
   */
  private readonly amountsByEnergyWh: Array<bigint | undefined>;
  private readonly amountsByLargeEnergyWh = new Map<number, bigint>();
  private readonly directUpToWh: number;

  /**
   * @param priceMicroPerKWh the zone's clearing price
   * @param directUpToWh energies up to this are looked up by array index (the array has this + 1 slots, so keep it
   *   in proportion to the number of trades)
   */
  constructor(private readonly priceMicroPerKWh: number, directUpToWh = 0) {
    this.directUpToWh = Number.isInteger(directUpToWh) && directUpToWh > 0 ? directUpToWh : 0;
    this.amountsByEnergyWh = new Array<bigint | undefined>(this.directUpToWh + 1);
  }

  /** ⌊energyWh × price / 1000⌋ micro-units, as `amountMicroFloor`. */
  amountMicroFor(energyWh: number): bigint {
    const index = energyWh | 0;
    if (index === energyWh && index >= 0 && index <= this.directUpToWh) {
      const known = this.amountsByEnergyWh[index];
      if (known !== undefined) return known;
      const amountMicro = amountMicroFloor(energyWh, this.priceMicroPerKWh);
      this.amountsByEnergyWh[index] = amountMicro;
      return amountMicro;
    }
    if (!(energyWh < cachedBelowWh) || index !== energyWh) return amountMicroFloor(energyWh, this.priceMicroPerKWh);
    let amountMicro = this.amountsByLargeEnergyWh.get(index);
    if (amountMicro === undefined) {
      amountMicro = amountMicroFloor(energyWh, this.priceMicroPerKWh);
      this.amountsByLargeEnergyWh.set(index, amountMicro);
    }
    return amountMicro;
  }
}
