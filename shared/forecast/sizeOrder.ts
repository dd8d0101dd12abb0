/**
 * Standing orders become interval orders: each prosumer states once how it wants to trade (a minimum sell price,
 * a maximum buy price, or "auto" for either), and each interval the relay sizes the order from the forecast,
 * capped by what the meter's nameplate power can move in one interval.
 */
import type { Order, Side } from '../market/order.ts';

/** A price stated once: a fixed limit, or "auto" (priced each interval by `autoPriceMicroPerKWh`). */
export type StandingPrice = { readonly kind: 'limit'; readonly priceMicroPerKWh: number } | { readonly kind: 'auto' };

/** A participant's standing order. A missing side means it never trades on that side. */
export interface StandingOrder {
  readonly participant: string;
  /** Minimum price to sell surplus at. */
  readonly sell?: StandingPrice;
  /** Maximum price to buy need at. */
  readonly buy?: StandingPrice;
  /** Nameplate power of the installation (inverter or connection), W: caps any order. */
  readonly nameplatePowerW: number;
}

/** An order sized for the interval, its price not yet resolved. */
export interface SizedOrder {
  readonly participant: string;
  readonly side: Side;
  readonly energyWh: number;
  readonly price: StandingPrice;
}

/** Most energy the nameplate power moves in one interval: ⌊W × s / 3600⌋ Wh. */
export function nameplateCapWh(nameplatePowerW: number, intervalSeconds: number): number {
  return Math.floor((nameplatePowerW * intervalSeconds) / 3600);
}

/**
 * The interval's order for a forecast net energy (positive = surplus), or null when there is nothing to trade.
 *
 * @example sizeOrder({ participant: '0xA', sell: { kind: 'auto' }, nameplatePowerW: 4000 }, 5000, 3600)
 * // → { side: 'sell', energyWh: 4000, … } (capped by 4 kW × 1 h)
 */
export function sizeOrder(standing: StandingOrder, forecastNetWh: number, intervalSeconds: number): SizedOrder | null {
  const capWh = nameplateCapWh(standing.nameplatePowerW, intervalSeconds);
  const side: Side = forecastNetWh > 0 ? 'sell' : 'buy';
  const price = side === 'sell' ? standing.sell : standing.buy;
  const energyWh = Math.min(Math.abs(forecastNetWh), capWh);
  if (price === undefined || energyWh <= 0) return null;
  return { participant: standing.participant, side, energyWh, price };
}

/** The order with its price resolved: a fixed limit as stated, "auto" at the zone's auto price. */
export function priceSizedOrder(sized: SizedOrder, id: string, autoPriceMicroPerKWh: number): Order {
  return {
    id,
    participant: sized.participant,
    side: sized.side,
    energyWh: sized.energyWh,
    limitPriceMicroPerKWh: sized.price.kind === 'auto' ? autoPriceMicroPerKWh : sized.price.priceMicroPerKWh,
  };
}
