/**
 * Standing orders × forecasts → one zone's orders for one interval (DESIGN §5, docs/trading_rules.md): each meter's
 * next-interval net energy is forecast from its own sealed history (`shared/forecast/forecastNetWh.ts`), sized and
 * capped by nameplate power (`sizeOrder`), and "auto" sides are priced at the zone's auto price
 * (`shared/pricing/dynamicPrice.ts`, from the zone's forecast supply and demand).
 */
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import { forecastNextNetWh } from '../../shared/forecast/forecastNetWh.ts';
import { priceSizedOrder, sizeOrder, type SizedOrder, type StandingOrder } from '../../shared/forecast/sizeOrder.ts';
import type { Order } from '../../shared/market/order.ts';
import { autoLimitMicroPerKWh, autoPriceMicroPerKWh } from '../../shared/pricing/dynamicPrice.ts';

/** A meter's standing order and its sealed net energy per past interval (oldest first, positive = exported). */
export interface MeterBookInput {
  meter: string;
  standing: StandingOrder;
  historyNetWh: readonly number[];
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
    const order = sizeOrder(input.standing, forecastNetWh, intervalSeconds);
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
