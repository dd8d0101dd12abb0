/**
 * The order book depth chart: supply and demand as step curves of cumulative energy against price, drawn with
 * uPlot (x = price, y = energy). Where they cross is the interval's clearing price.
 */
import uPlot from 'uplot';
import { formatEnergyWh, formatPriceAxisMicroPerKWh, formatPriceMicroPerKWh } from './displayUnits.ts';
import type { DepthStep } from './orderBookDepth.ts';

/** Draws the depth of one book into `container`; returns a function that removes it. */
export function drawDepthChart(container: HTMLElement, supply: DepthStep[], demand: DepthStep[]): () => void {
  const prices = [...new Set([...supply, ...demand].map((step) => step.priceMicroPerKWh))].sort((a, b) => a - b);
  const supplyAt = (price: number) => lastAtOrBelow(supply, price);
  const demandAt = (price: number) => firstAtOrAbove(demand, price);
  const style = getComputedStyle(document.documentElement);
  const colour = (variable: string) => style.getPropertyValue(variable).trim() || '#567';
  const axis = { stroke: colour('--ink-soft'), grid: { stroke: colour('--rule'), width: 1 }, ticks: { show: false }, font: '12px system-ui, sans-serif' };
  const plot = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: 200,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { ...axis, values: (_plot, ticks) => ticks.map((tick) => formatPriceAxisMicroPerKWh(tick)) },
        { ...axis, size: 64, values: (_plot, ticks) => ticks.map((tick) => formatEnergyWh(tick)) },
      ],
      series: [
        { label: 'Price', value: (_plot, price) => (price === null ? '—' : formatPriceMicroPerKWh(price)) },
        { label: 'Offered', stroke: colour('--production'), width: 2, paths: uPlot.paths.stepped!({ align: 1 }), value: (_p, v) => (v === null ? '—' : formatEnergyWh(v)) },
        { label: 'Wanted', stroke: colour('--consumption'), width: 2, paths: uPlot.paths.stepped!({ align: -1 }), value: (_p, v) => (v === null ? '—' : formatEnergyWh(v)) },
      ],
    },
    [prices, prices.map(supplyAt), prices.map(demandAt)],
    container,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, container.clientWidth), height: 200 }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}

function lastAtOrBelow(steps: DepthStep[], price: number): number {
  let value = 0;
  for (const step of steps) if (step.priceMicroPerKWh <= price) value = step.cumulativeWh;
  return value;
}

function firstAtOrAbove(steps: DepthStep[], price: number): number {
  let value = 0;
  for (const step of steps) if (step.priceMicroPerKWh >= price) value = step.cumulativeWh;
  return value;
}
