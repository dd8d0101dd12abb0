/**
 * The zone's market card: clearing price per interval, traded volume, the latest order book's depth and the
 * latest trades. Fed by the relay's interval history and by `clearing`/`trade`/`settlement` feed messages; with
 * no cleared interval it says so instead of drawing an empty chart.
 */
import { drawDepthChart } from './depthChart.ts';
import { formatAmountMicro, formatClockTime, formatEnergyWh, formatPriceAxisMicroPerKWh, formatPriceMicroPerKWh, shortAddress } from './displayUnits.ts';
import { h, replaceChildren } from './element.ts';
import { readClearedInterval, readTrade, type ClearedInterval, type TradeView } from './marketActivity.ts';
import { orderBookDepth } from './orderBookDepth.ts';
import { card, emptyState, figureTile } from './panel.ts';
import { TimeSeriesChart } from './timeSeriesChart.ts';

const MAX_TRADES_SHOWN = 8;
/** Intervals kept for the 24-hour figures. */
const HISTORY_WINDOW_S = 24 * 3600;

/** The market card and the functions that feed it. */
export interface MarketPanel {
  element: HTMLElement;
  /** Replaces the history (intervals and trades of the last 24 h). */
  setHistory(intervals: ClearedInterval[], trades: TradeView[]): void;
  /** Applies one live feed message of a market type; returns false for other types. */
  applyFeedMessage(type: string, data: unknown): boolean;
  /** Energy traded in the history window, Wh; undefined when no interval has cleared. */
  tradedWh(): number | undefined;
  destroy(): void;
}

/** Builds the market card. */
export function createMarketPanel(): MarketPanel {
  const intervals: ClearedInterval[] = [];
  const trades: TradeView[] = [];
  const priceTile = figureTile('Last clearing price', 'market-clearing-price');
  const volumeTile = figureTile('Traded, 24 h', 'market-volume');
  const tradeCountTile = figureTile('Trades, 24 h', 'market-trade-count');
  const body = h('div', { class: 'market-body' });
  const element = card(
    'Local market',
    { id: 'market', wide: true, note: 'uniform price per interval (pay-as-clear)' },
    h('div', { class: 'figures' }, priceTile.element, volumeTile.element, tradeCountTile.element),
    body,
  );
  let priceChart: TimeSeriesChart | undefined;
  let removeDepth: (() => void) | undefined;

  function render(): void {
    priceChart?.destroy();
    priceChart = undefined;
    removeDepth?.();
    removeDepth = undefined;
    const cleared = intervals.filter((interval) => interval.clearingPriceMicroPerKWh !== undefined);
    const tradedWh = intervals.reduce((total, interval) => total + interval.tradedWh, 0);
    if (intervals.length === 0) {
      priceTile.show('—', 'no interval has cleared');
      volumeTile.show('—', 'nothing traded yet');
      tradeCountTile.show('—', 'nothing traded yet');
      replaceChildren(
        body,
        emptyState(
          'market-empty',
          'No market intervals yet',
          'Prices, order book depth and trades appear here once the relay has cleared its first interval for this zone.',
        ),
      );
      return;
    }
    const latest = cleared[cleared.length - 1];
    priceTile.show(
      latest ? formatPriceMicroPerKWh(latest.clearingPriceMicroPerKWh!) : '—',
      latest ? `interval ending ${formatClockTime(latest.endS)}` : 'books did not cross yet',
    );
    volumeTile.show(formatEnergyWh(tradedWh), `${intervals.length} intervals`);
    tradeCountTile.show(String(intervals.reduce((total, interval) => total + interval.tradeCount, 0)));

    const priceBox = h('div', { class: 'chart', 'data-testid': 'market-price-chart' });
    const depthBox = h('div', { class: 'chart', 'data-testid': 'market-depth-chart' });
    const latestWithOrders = [...intervals].reverse().find((interval) => interval.orders.length > 0);
    replaceChildren(
      body,
      h(
        'div',
        { class: 'split' },
        h('div', {}, h('h3', {}, 'Clearing price per interval'), priceBox),
        h(
          'div',
          {},
          h('h3', {}, 'Order book depth', latestWithOrders ? h('small', {}, ` · ${formatClockTime(latestWithOrders.startS)}`) : null),
          latestWithOrders ? depthBox : emptyState('market-depth-empty', 'No order book to show', 'The relay has not published the orders of an interval yet.'),
        ),
      ),
      h('h3', {}, 'Latest trades'),
      tradesTable(trades.slice(-MAX_TRADES_SHOWN).reverse()),
    );
    priceChart = new TimeSeriesChart(priceBox, [{ label: 'Clearing price', colourVariable: '--accent', isStepped: true }], {
      windowS: 24 * 3600,
      formatValue: formatPriceMicroPerKWh,
      formatAxisValue: formatPriceAxisMicroPerKWh,
      heightPx: 200,
    });
    priceChart.setPoints(
      cleared.map((interval) => interval.startS),
      [cleared.map((interval) => interval.clearingPriceMicroPerKWh ?? null)],
    );
    if (latestWithOrders) {
      const depth = orderBookDepth(latestWithOrders.orders);
      removeDepth = drawDepthChart(depthBox, depth.supply, depth.demand);
    }
  }

  render();
  return {
    element,
    setHistory(newIntervals, newTrades) {
      intervals.splice(0, intervals.length, ...newIntervals.sort((a, b) => a.startS - b.startS));
      trades.splice(0, trades.length, ...newTrades);
      render();
    },
    applyFeedMessage(type, data) {
      if (type === 'interval-cleared' || type === 'clearing') {
        const interval = readClearedInterval(data);
        if (interval === undefined) return true;
        const existing = intervals.findIndex((entry) => entry.startS === interval.startS);
        if (existing >= 0) intervals[existing] = interval;
        else intervals.push(interval);
        intervals.sort((a, b) => a.startS - b.startS); // a relay may announce a late interval after a newer one
        while (intervals.length > 0 && intervals[0]!.startS < interval.startS - HISTORY_WINDOW_S) intervals.shift();
        render();
        return true;
      }
      if (type === 'trade' || type === 'trades' || type === 'settled' || type === 'settlement') {
        const list = Array.isArray(data) ? data : [data];
        for (const raw of list) {
          const trade = readTrade(raw);
          if (trade !== undefined) trades.push(trade);
          if (trades.length > 500) trades.splice(0, trades.length - 500);
        }
        render();
        return true;
      }
      return false;
    },
    tradedWh() {
      return intervals.length === 0 ? undefined : intervals.reduce((total, interval) => total + interval.tradedWh, 0);
    },
    destroy() {
      priceChart?.destroy();
      removeDepth?.();
    },
  };
}

/** A table of trades, with the settlement transaction when there is one. */
export function tradesTable(trades: TradeView[], explorerTxUrl?: (hash: string) => string): HTMLElement {
  if (trades.length === 0) return emptyState('trades-empty', 'No trades yet', 'Trades appear once a market interval clears.');
  const settlementCell = (trade: TradeView) =>
    trade.txHash === undefined
      ? (trade.status ?? 'pending')
      : explorerTxUrl === undefined
        ? shortAddress(trade.txHash)
        : h('a', { href: explorerTxUrl(trade.txHash), target: '_blank', rel: 'noopener' }, shortAddress(trade.txHash));
  const header = h(
    'tr',
    {},
    h('th', {}, 'Interval'),
    h('th', { class: 'num' }, 'Energy'),
    h('th', { class: 'num' }, 'Price'),
    h('th', { class: 'num' }, 'Amount'),
    h('th', {}, 'Settlement'),
  );
  const rows = trades.map((trade) =>
    h(
      'tr',
      {},
      h('td', {}, formatClockTime(trade.intervalStartS)),
      h('td', { class: 'num' }, formatEnergyWh(trade.energyWh)),
      h('td', { class: 'num' }, formatPriceMicroPerKWh(trade.priceMicroPerKWh)),
      h('td', { class: 'num' }, formatAmountMicro(trade.amountMicro)),
      h('td', { class: 'mono' }, settlementCell(trade)),
    ),
  );
  return h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'trades-table' }, h('thead', {}, header), h('tbody', {}, ...rows)));
}
