/**
 * Standing orders × forecasts → one zone's orders for one interval (DESIGN §5, docs/trading_rules.md): each meter's
 * next-interval net energy is forecast from its own sealed history (`shared/forecast/forecastNetWh.ts`), sized and
 * capped by nameplate power (`sizeOrder`), and "auto" sides are priced at the zone's auto price
 * (`shared/pricing/dynamicPrice.ts`, from the zone's forecast supply and demand).
 *
 * Validity windows: a side given with a window trades in the interval [startS, endS) only when the window holds the
 * whole interval, validFromS ≤ startS and endS ≤ validUntilS (windows are half-open, as `EnergyListing` states
 * them). Of several choices for a side, the newest whose window holds the interval sets it.
 */
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import { forecastNextNetWh } from '../../shared/forecast/forecastNetWh.ts';
import { priceSizedOrder, sizeOrder, type SizedOrder, type StandingOrder } from '../../shared/forecast/sizeOrder.ts';
import type { Order } from '../../shared/market/order.ts';
import { autoLimitMicroPerKWh, autoPriceMicroPerKWh } from '../../shared/pricing/dynamicPrice.ts';
import type { WindowedSide } from '../store/marketQueries/standingOrders.ts';

/** A meter's standing order and its sealed net energy per past interval (oldest first, positive = exported). */
export interface MeterBookInput {
  meter: string;
  standing: StandingOrder;
  historyNetWh: readonly number[];
  /**
   * What may set each side, newest first (`listStandingOrders`); when given it replaces `standing`'s sides, and a
   * side none of whose windows holds the interval does not trade. Absent: `standing`'s sides, always valid.
   */
  sides?: { readonly sell: readonly WindowedSide[]; readonly buy: readonly WindowedSide[] };
}

/** An interval order and where it came from. */
export interface IntervalOrder {
  order: Order;
  meter: string;
  forecastNetWh: number;
}

export interface IntervalBook {
  orders: IntervalOrder[];
  autoPriceMicroPerKWh: number;
  supplyWh: number;
  demandWh: number;
}

/** Order id of a meter's order in an interval: unique per zone and interval. */
export function intervalOrderId(intervalStartS: number, meter: string): string {
  return `${intervalStartS}:${meter.toLowerCase()}`;
}

/** Whether `side` may trade in [startS, endS): its window, if any, holds the whole interval. */
export function sideHoldsInterval(side: Pick<WindowedSide, 'window'>, startS: number, endS: number): boolean {
  return side.window === undefined || (side.window.validFromS <= startS && endS <= side.window.validUntilS);
}

/** The side that trades in [startS, endS): the newest (first) whose window holds the interval, if any. */
export function sideForInterval<T extends Pick<WindowedSide, 'window'>>(newestFirst: readonly T[], startS: number, endS: number): T | undefined {
  return newestFirst.find((side) => sideHoldsInterval(side, startS, endS));
}

/** The standing order as it applies in [startS, endS) for a forecast: windows resolved, the applying side's cap. */
function standingForInterval(input: MeterBookInput, startS: number, endS: number, forecastNetWh: number): StandingOrder {
  if (input.sides === undefined) return input.standing;
  const sell = sideForInterval(input.sides.sell, startS, endS);
  const buy = sideForInterval(input.sides.buy, startS, endS);
  const trading = forecastNetWh > 0 ? sell : buy;
  return {
    participant: input.standing.participant,
    nameplatePowerW: trading?.nameplatePowerW ?? input.standing.nameplatePowerW,
    ...(sell ? { sell: sell.price } : {}),
    ...(buy ? { buy: buy.price } : {}),
  };
}

/**
 * Builds the zone's book for interval `intervalStartS`. Pure.
 * Peak hours are read on the UTC hour of the interval's start.
 *
 * @example buildIntervalOrders(inputs, 1_700_000_100, 900, defaultTradingParameters)
 */
export function buildIntervalOrders(inputs: readonly MeterBookInput[], intervalStartS: number, intervalSeconds: number, params: TradingParameters): IntervalBook {
  const intervalsPerDay = Math.max(1, Math.round(86_400 / intervalSeconds));
  const sized: { meter: string; forecastNetWh: number; order: SizedOrder }[] = [];
  let supplyWh = 0;
  let demandWh = 0;
  for (const input of inputs) {
    const forecastNetWh = forecastNextNetWh(input.historyNetWh, { intervalsPerDay });
    const standing = standingForInterval(input, intervalStartS, intervalStartS + intervalSeconds, forecastNetWh);
    const order = sizeOrder(standing, forecastNetWh, intervalSeconds);
    if (order === null) continue;
    if (order.side === 'sell') supplyWh += order.energyWh;
    else demandWh += order.energyWh;
    sized.push({ meter: input.meter, forecastNetWh, order });
  }
  const band = { feedInTariffMicroPerKWh: params.feedInTariffMicroPerKWh, retailTariffMicroPerKWh: params.retailTariffMicroPerKWh };
  const hourUtc = Math.floor((((intervalStartS % 86_400) + 86_400) % 86_400) / 3600);
  const autoPrice = autoPriceMicroPerKWh({
    band,
    isPeakHour: params.isPeakHour[hourUtc] ?? false,
    peakHourMultiplierBps: params.peakHourMultiplierBps,
    dynamicPricingSensitivityBps: params.dynamicPricingSensitivityBps,
    supplyWh,
    demandWh,
  });
  const orders = sized
    .map(({ meter, forecastNetWh, order }) => {
      const autoLimit = autoLimitMicroPerKWh(order.side, autoPrice, band, 0);
      return { meter, forecastNetWh, order: priceSizedOrder(order, intervalOrderId(intervalStartS, meter), autoLimit) };
    })
    .sort((a, b) => (a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0));
  return { orders, autoPriceMicroPerKWh: autoPrice, supplyWh, demandWh };
}
