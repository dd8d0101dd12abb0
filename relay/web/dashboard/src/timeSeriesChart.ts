/**
 * A uPlot line chart over time that fills its container, follows its width, and takes appended points —
 * the zone's 24-hour power chart, a household's power, the clearing price per interval.
 */
import uPlot from 'uplot';
import { formatClockTime } from './displayUnits.ts';

/** One plotted quantity. */
export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour, e.g. '--production'. */
  colourVariable: string;
  /** Fill under the line (the production area). */
  isFilled?: boolean;
  /** Step between points (a price that holds for an interval). */
  isStepped?: boolean;
}

/** A live time-series chart. */
export class TimeSeriesChart {
  private readonly plot: uPlot;
  private readonly timesS: number[] = [];
  private readonly values: (number | null)[][];
  private readonly resizeObserver: ResizeObserver;

  constructor(
    container: HTMLElement,
    series: ChartSeries[],
    private readonly options: {
      windowS: number;
      formatValue: (value: number) => string;
      /** End the time axis at now and span at least this long (default: fit the data). */
      minimumSpanS?: number;
      /** Shorter labels for the value axis (default: `formatValue`). */
      formatAxisValue?: (value: number) => string;
      heightPx?: number;
    },
  ) {
    this.values = series.map(() => []);
    const style = getComputedStyle(document.documentElement);
    const colour = (variable: string) => style.getPropertyValue(variable).trim() || '#567';
    const ink = colour('--ink-soft');
    const grid = colour('--rule');
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    this.plot = new uPlot(
      {
        width: Math.max(200, container.clientWidth),
        height: options.heightPx ?? 220,
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: {
          x: {
            time: true,
            // A window ending now: the whole window, or from the first point when the data covers less of it
            // (a young zone) — but never narrower than `minimumSpanS`, so a few points do not fill the width.
            range: options.minimumSpanS !== undefined ? () => this.timeRange(options.windowS, options.minimumSpanS!) : undefined,
          },
          y: {
            // Power charts keep zero in view, so import and export read against the same baseline.
            range: (_plot, minValue, maxValue) => {
              const low = Math.min(0, minValue ?? 0);
              const high = Math.max(0, maxValue ?? 0);
              const pad = (high - low) * 0.08 || 1;
              return [low < 0 ? low - pad : 0, high + pad];
            },
          },
        },
        axes: [
          {
            ...axis,
            // Minutes are enough over a day; over a few minutes the seconds tell ticks apart.
            values: (_plot, ticks) => {
              const spanS = (ticks[ticks.length - 1] ?? 0) - (ticks[0] ?? 0);
              return ticks.map((tick) => (spanS < 600 ? formatClockTime(tick) : formatClockTime(tick).slice(0, 5)));
            },
          },
          { ...axis, size: 64, values: (_plot, ticks) => ticks.map((tick) => (options.formatAxisValue ?? options.formatValue)(tick)) },
        ],
        series: [
          { value: (_plot, timeS) => (timeS === null ? '—' : formatClockTime(timeS)) },
          ...series.map((entry) => ({
            label: entry.label,
            stroke: colour(entry.colourVariable),
            width: 2,
            fill: entry.isFilled ? `${colour(entry.colourVariable)}33` : undefined,
            paths: entry.isStepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
            value: (_plot: uPlot, value: number | null) => (value === null ? '—' : options.formatValue(value)),
          })),
        ],
      },
      [[], ...series.map(() => [])],
      container,
    );
    this.resizeObserver = new ResizeObserver(() => {
      this.plot.setSize({ width: Math.max(200, container.clientWidth), height: options.heightPx ?? 220 });
    });
    this.resizeObserver.observe(container);
  }

  /** Replaces all points (times in Unix seconds, ascending). */
  setPoints(timesS: number[], values: (number | null)[][]): void {
    this.timesS.splice(0, this.timesS.length, ...timesS);
    values.forEach((column, index) => this.values[index]!.splice(0, this.values[index]!.length, ...column));
    this.redraw();
  }

  /** Appends one point, dropping points older than the chart's window. */
  appendPoint(timeS: number, values: (number | null)[]): void {
    const last = this.timesS[this.timesS.length - 1];
    if (last !== undefined && timeS < last) return; // late message: the history already covers it
    if (last === timeS) {
      values.forEach((value, index) => (this.values[index]![this.values[index]!.length - 1] = value));
    } else {
      this.timesS.push(timeS);
      values.forEach((value, index) => this.values[index]!.push(value));
    }
    const oldestS = timeS - this.options.windowS;
    while (this.timesS.length > 0 && this.timesS[0]! < oldestS) {
      this.timesS.shift();
      for (const column of this.values) column.shift();
    }
    this.redraw();
  }

  private timeRange(windowS: number, minimumSpanS: number): [number, number] {
    const nowS = Math.ceil(Date.now() / 1000);
    const firstS = this.timesS[0] ?? nowS;
    return [Math.max(nowS - windowS, Math.min(firstS, nowS - minimumSpanS)), nowS];
  }

  /** Number of points shown. */
  get pointCount(): number {
    return this.timesS.length;
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot.destroy();
  }

  private redraw(): void {
    this.plot.setData([this.timesS, ...this.values] as uPlot.AlignedData);
  }
}
