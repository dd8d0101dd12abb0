/**
 * One matched trade: a seller's energy to a buyer at the zone's uniform clearing price.
 * Money is in micro-units of the settlement token (6 decimals), as bigint.
 */
export interface Trade {
  /** The zone whose auction matched the two orders. */
  readonly zoneId: string;
  readonly sellOrderId: string;
  readonly buyOrderId: string;
  readonly seller: string;
  readonly buyer: string;
  /** Energy traded, Wh, ≥ the minimum trade threshold. */
  readonly energyWh: number;
  /** The zone's clearing price, micro per kWh. */
  readonly priceMicroPerKWh: number;
  /** ⌊energyWh × price / 1000⌋: what the buyer pays the seller (see `tradeAmount.ts`). */
  readonly amountMicro: bigint;
  /** Grid fees per kWh each side owes for the levels its order climbed to reach this zone. */
  readonly sellerFeeMicroPerKWh: number;
  readonly buyerFeeMicroPerKWh: number;
  /** ⌊energyWh × fee / 1000⌋ for each side: the seller receives amount − sellerFee, the buyer pays amount + buyerFee. */
  readonly sellerFeeMicro: bigint;
  readonly buyerFeeMicro: bigint;
}
