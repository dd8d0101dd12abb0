/**
 * One household's bill for one hour, with the market and without it (the baseline: retail for every Wh it
 * imports, feed-in tariff for every Wh it exports). PV covers the home's own load first (self-consumption).
 *
 * A seller is paid through `settleDelivery`: for at most what it really exported; a shortfall is charged at the
 * grid's retail tariff and, beyond the allowed deviation, penalised (docs/grid_integration.md). A buyer pays for
 * what it bought; what it bought beyond its real need is sold back to the utility at the feed-in tariff (its
 * forecast was wrong, so the deviation counts against it too); a real need beyond what it bought comes from the
 * utility at retail. Money in micro-units, all amounts rounded down as the market rounds them.
 */
import { settleDelivery, type DeliveryTerms } from '../../shared/market/settleDelivery.ts';
import type { Trade } from '../../shared/market/trade.ts';

/** What happened to one household in one hour. */
export interface HouseholdHour {
  readonly loadWh: number;
  readonly pvWh: number;
  /** The household's trades as seller and as buyer in this hour. */
  readonly sales: readonly Trade[];
  readonly purchases: readonly Trade[];
  readonly terms: DeliveryTerms;
}

/** The hour's energy flows and bills. */
export interface HouseholdHourResult {
  readonly selfConsumedWh: number;
  readonly soldWh: number;
  readonly boughtWh: number;
  /** Sold energy the meter confirms (≤ sold). */
  readonly deliveredWh: number;
  /** Bought energy the home really used (≤ bought). */
  readonly consumedFromMarketWh: number;
  /** Bought energy the home did not need, sold back at the feed-in tariff. */
  readonly resoldWh: number;
  readonly gridImportWh: number;
  readonly gridExportWh: number;
  readonly baselineCostMicro: number;
  readonly marketCostMicro: number;
  readonly gridFeesMicro: number;
  readonly deviationChargesMicro: number;
  readonly isPenalized: boolean;
}

function microFloor(energyWh: number, priceMicroPerKWh: number): number {
  const product = energyWh * priceMicroPerKWh;
  return (product - (product % 1000)) / 1000;
}

/** Settles one household's hour. */
export function settleHouseholdHour(hour: HouseholdHour): HouseholdHourResult {
  const { retailTariffMicroPerKWh: retail, feedInTariffMicroPerKWh: feedIn } = hour.terms;
  const selfConsumedWh = Math.min(hour.loadWh, hour.pvWh);
  const needWh = hour.loadWh - selfConsumedWh;
  const surplusWh = hour.pvWh - selfConsumedWh;
  const baselineCostMicro = microFloor(needWh, retail) - microFloor(surplusWh, feedIn);

  let incomeMicro = 0;
  let gridFeesMicro = 0;
  let soldWh = 0;
  let deliveredWh = 0;
  let gridExportWh = surplusWh;
  let deviationChargesMicro = 0;
  let isPenalized = false;
  if (hour.sales.length > 0) {
    const settlement = settleDelivery(hour.sales, surplusWh, hour.terms);
    soldWh = settlement.tradedWh;
    deliveredWh = settlement.deliveredWh;
    gridExportWh = settlement.surplusWh;
    deviationChargesMicro = Number(settlement.imbalanceChargeMicro + settlement.penaltyMicro);
    isPenalized = settlement.isPenalized;
    incomeMicro += Number(settlement.netMicro);
    for (const trade of hour.sales) {
      incomeMicro -= Number(trade.sellerFeeMicro);
      gridFeesMicro += Number(trade.sellerFeeMicro);
    }
  } else {
    incomeMicro += microFloor(surplusWh, feedIn);
  }

  let boughtWh = 0;
  for (const trade of hour.purchases) {
    boughtWh += trade.energyWh;
    incomeMicro -= Number(trade.amountMicro + trade.buyerFeeMicro);
    gridFeesMicro += Number(trade.buyerFeeMicro);
  }
  const consumedFromMarketWh = Math.min(boughtWh, needWh);
  const resoldWh = boughtWh - consumedFromMarketWh;
  const gridImportWh = needWh - consumedFromMarketWh;
  incomeMicro += microFloor(resoldWh, feedIn) - microFloor(gridImportWh, retail);

  return {
    selfConsumedWh, soldWh, boughtWh, deliveredWh, consumedFromMarketWh, resoldWh, gridImportWh, gridExportWh,
    baselineCostMicro, marketCostMicro: -incomeMicro, gridFeesMicro, deviationChargesMicro, isPenalized,
  };
}
