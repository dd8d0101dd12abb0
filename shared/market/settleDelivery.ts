/**
 * After delivery the meter decides what is paid (DESIGN §5). For one seller in one interval:
 *  - deliveredWh = min(Σ traded, metered export): the seller is paid the trade price for that much, shared
 *    over its trades pro rata by traded energy (largest remainder, ties to the earlier trade);
 *  - shortfallWh = Σ traded − deliveredWh: the buyers still got their energy — from the grid. The grid is paid
 *    its retail tariff for it: the buyers' payment for the shortfall goes to the grid, and the seller owes the
 *    rest, (retail − price) per kWh, the imbalance charge; it never earns the seller anything;
 *  - if shortfallWh exceeds MAXIMUM_LOCAL_GRID_DEVIATION × Σ traded, the excess is also charged a penalty at
 *    `deviationPenaltyBps` × retail, and recorded;
 *  - surplusWh = metered − Σ traded (when positive) goes to the utility at the feed-in tariff.
 * All amounts are rounded down per item. Worked numbers are in `docs/grid_integration.md`.
 */
import { amountMicroFloor } from './tradeAmount.ts';
import type { Trade } from './trade.ts';

/** The tariffs and rules delivery settlement needs (a subset of `TradingParameters`). */
export interface DeliveryTerms {
  readonly retailTariffMicroPerKWh: number;
  readonly feedInTariffMicroPerKWh: number;
  readonly maximumLocalGridDeviationBps: number;
  readonly deviationPenaltyBps: number;
}

/** What one trade pays the seller after delivery. */
export interface DeliveredTrade {
  readonly trade: Trade;
  readonly deliveredWh: number;
  /** ⌊deliveredWh × price / 1000⌋. */
  readonly paidMicro: bigint;
}

/** The seller's settlement for one interval. */
export interface DeliverySettlement {
  readonly tradedWh: number;
  readonly meteredExportWh: number;
  readonly deliveredWh: number;
  readonly shortfallWh: number;
  readonly surplusWh: number;
  readonly trades: readonly DeliveredTrade[];
  /** Σ paidMicro. */
  readonly paidMicro: bigint;
  /** Owed by the seller for the shortfall: Σ ⌊shortWh × max(0, retail − price) / 1000⌋ per trade. */
  readonly imbalanceChargeMicro: bigint;
  /** Shortfall beyond the allowed deviation, Wh (0 when within it). */
  readonly excessDeviationWh: number;
  readonly isPenalized: boolean;
  /** ⌊excessDeviationWh × retail × penaltyBps / 10 000 / 1000⌋. */
  readonly penaltyMicro: bigint;
  /** Surplus paid at the feed-in tariff. */
  readonly feedInMicro: bigint;
  /** paid − imbalance − penalty + feed-in: the seller's net for the interval, before grid fees. */
  readonly netMicro: bigint;
}

/**
 * Settles one seller's trades of one interval against its metered export.
 *
 * @example settleDelivery([trade of 1000 Wh at 150 000], 850, terms) // pays 850 Wh; 150 Wh shortfall, penalised
 */
export function settleDelivery(traded: readonly Trade[], meteredExportWh: number, terms: DeliveryTerms): DeliverySettlement {
  const tradedWh = traded.reduce((sum, t) => sum + t.energyWh, 0);
  const deliveredWh = Math.min(tradedWh, meteredExportWh);
  const shortfallWh = tradedWh - deliveredWh;
  const surplusWh = Math.max(0, meteredExportWh - tradedWh);

  // Share deliveredWh over the trades pro rata (largest remainder).
  const shares = traded.map((t, i) => {
    const exact = BigInt(t.energyWh) * BigInt(deliveredWh);
    const whole = tradedWh === 0 ? 0n : exact / BigInt(tradedWh);
    return { i, wh: Number(whole), remainder: tradedWh === 0 ? 0n : exact % BigInt(tradedWh) };
  });
  let leftWh = deliveredWh - shares.reduce((sum, s) => sum + s.wh, 0);
  for (const s of [...shares].sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1))) {
    if (leftWh === 0) break;
    s.wh += 1;
    leftWh -= 1;
  }

  let paidMicro = 0n;
  let imbalanceChargeMicro = 0n;
  const trades = traded.map((trade, i): DeliveredTrade => {
    const deliveredTradeWh = (shares[i] as { wh: number }).wh;
    const paid = amountMicroFloor(deliveredTradeWh, trade.priceMicroPerKWh);
    paidMicro += paid;
    const gapMicroPerKWh = Math.max(0, terms.retailTariffMicroPerKWh - trade.priceMicroPerKWh);
    imbalanceChargeMicro += amountMicroFloor(trade.energyWh - deliveredTradeWh, gapMicroPerKWh);
    return { trade, deliveredWh: deliveredTradeWh, paidMicro: paid };
  });

  const allowedWh = Math.floor((tradedWh * terms.maximumLocalGridDeviationBps) / 10_000);
  const excessDeviationWh = Math.max(0, shortfallWh - allowedWh);
  const penaltyMicro = (BigInt(excessDeviationWh) * BigInt(terms.retailTariffMicroPerKWh) * BigInt(terms.deviationPenaltyBps)) / 10_000_000n;
  const feedInMicro = amountMicroFloor(surplusWh, terms.feedInTariffMicroPerKWh);
  return {
    tradedWh, meteredExportWh, deliveredWh, shortfallWh, surplusWh, trades, paidMicro, imbalanceChargeMicro,
    excessDeviationWh, isPenalized: excessDeviationWh > 0, penaltyMicro, feedInMicro,
    netMicro: paidMicro - imbalanceChargeMicro - penaltyMicro + feedInMicro,
  };
}
