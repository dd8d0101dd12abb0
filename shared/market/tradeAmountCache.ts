/**
 * `amountMicroFloor` at one fixed price, remembered per energy. A zone's trades all share one price and their
 * energies repeat (whole lots, equal orders), so most trades reuse an amount already computed instead of making
 * a new bigint. A bigint is an immutable value: sharing one between trades is indistinguishable from copies.
 */
import { amountMicroFloor } from './tradeAmount.ts';

/** Amounts at `priceMicroPerKWh` by energy; the amount of each energy is computed once. */
export class TradeAmountCache {
  private readonly amountsByEnergyWh = new Map<number, bigint>();

  constructor(private readonly priceMicroPerKWh: number) {}

  /** ⌊energyWh × price / 1000⌋ micro-units, as `amountMicroFloor`. */
  amountMicroFor(energyWh: number): bigint {
    let amountMicro = this.amountsByEnergyWh.get(energyWh);
    if (amountMicro === undefined) {
      amountMicro = amountMicroFloor(energyWh, this.priceMicroPerKWh);
      this.amountsByEnergyWh.set(energyWh, amountMicro);
    }
    return amountMicro;
  }
}
