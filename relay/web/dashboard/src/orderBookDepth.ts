/**
 * Order book depth: cumulative energy offered at or below each price (supply) and wanted at or above each price
 * (demand), the two curves whose crossing is the clearing price (docs/trading_rules.md, pay-as-clear).
 */

/** One order as the depth chart needs it. */
export interface DepthOrder {
  side: 'sell' | 'buy';
  energyWh: number;
  limitPriceMicroPerKWh: number;
}

/** One step of a depth curve: at `priceMicroPerKWh`, `cumulativeWh` is available (supply) or wanted (demand). */
export interface DepthStep {
  priceMicroPerKWh: number;
  cumulativeWh: number;
}

/** Supply ascending by price, demand descending by price, orders at one price merged into one step. */
export function orderBookDepth(orders: readonly DepthOrder[]): { supply: DepthStep[]; demand: DepthStep[] } {
  return {
    supply: cumulate(orders.filter((order) => order.side === 'sell'), (a, b) => a - b),
    demand: cumulate(orders.filter((order) => order.side === 'buy'), (a, b) => b - a),
  };
}

function cumulate(orders: DepthOrder[], comparePrices: (a: number, b: number) => number): DepthStep[] {
  const sorted = [...orders].sort((a, b) => comparePrices(a.limitPriceMicroPerKWh, b.limitPriceMicroPerKWh));
  const steps: DepthStep[] = [];
  let cumulativeWh = 0;
  for (const order of sorted) {
    cumulativeWh += order.energyWh;
    const last = steps[steps.length - 1];
    if (last !== undefined && last.priceMicroPerKWh === order.limitPriceMicroPerKWh) last.cumulativeWh = cumulativeWh;
    else steps.push({ priceMicroPerKWh: order.limitPriceMicroPerKWh, cumulativeWh });
  }
  return steps;
}
