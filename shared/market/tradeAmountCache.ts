/**
 * `amountMicroFloor` at one fixed price, remembered per energy. A zone's trades all share one price and their
 * energies repeat (whole lots, equal orders), so most trades reuse an amount already computed instead of making
 * a new bigint — which costs more than the rest of the trade object. A bigint is an immutable value: sharing one
 * between trades is indistinguishable from copies.
 */
import { amountMicroFloor } from './tradeAmount.ts';

/** Energies below this are remembered (keyed by the energy as a small integer, which hashes fast). */
const cachedBelowWh = 1 << 30;

/** Amounts at `priceMicroPerKWh` by energy; the amount of each integral energy below 2^30 Wh is computed once. */
export class TradeAmountCache {
  private readonly amountsByEnergyWh = new Map<number, bigint>();

  constructor(private readonly priceMicroPerKWh: number) {}

  /** ⌊energyWh × price / 1000⌋ micro-units, as `amountMicroFloor`. */
  amountMicroFor(energyWh: number): bigint {
    if (!(energyWh < cachedBelowWh)) return amountMicroFloor(energyWh, this.priceMicroPerKWh);
    const index = energyWh | 0;
    let amountMicro = this.amountsByEnergyWh.get(index);
    if (amountMicro === undefined || index !== energyWh) {
      amountMicro = amountMicroFloor(energyWh, this.priceMicroPerKWh);
      if (index === energyWh) this.amountsByEnergyWh.set(index, amountMicro);
    }
    return amountMicro;
  }
}
