/**
 * The zone view, live: production, consumption and net flow now and over 24 hours, the local market, grid
 * stability (net flow against the zone's limit, the meters' voltage band) and the community's figures.
 * History comes from `/api/v1/zones/:zone/aggregates`; live values from the feed channel `zone:<id>`.
 */
import { listIn, requestApi } from './apiClient.ts';
import { offersRoute } from './apiCapabilities.ts';
import { ASSUMED_GRID_CARBON_G_PER_KWH, computeCommunityFigures, energyFromPowerSeries } from './communityFigures.ts';
import { formatClockTime, formatCo2Grams, formatEnergyWh, formatPowerAxisW, formatPowerW, formatShare, formatVoltageDv } from './displayUnits.ts';
import { h, replaceChildren } from './element.ts';
import type { LiveFeed } from './liveFeed.ts';
import { readClearedInterval, readTrade } from './marketActivity.ts';
import { createMarketPanel } from './marketPanel.ts';
import { card, emptyState, figureTile, gauge, showUnavailable } from './panel.ts';
import { TimeSeriesChart } from './timeSeriesChart.ts';
import { VOLTAGE_BAND_HIGH_DV, VOLTAGE_BAND_LOW_DV, judgeVoltageSpread, voltageGaugePosition } from './voltageBand.ts';
import { readZoneAggregate, timeSecondsOf, type ZoneAggregate } from './zoneAggregate.ts';

const DAY_S = 24 * 3600;
/** Longest a power value is taken to hold when integrating energy: a longer gap is missing data. */
const MAX_HOLD_S = 15 * 60;

/** What the zone list says about one zone. */
export interface ZoneSummary {
  id: string;
  name: string;
  meterCount: number | undefined;
  /** Largest net flow the zone's connection should carry, W, when configured. */
  netFlowLimitW: number | undefined;
  /** Whether the relay serves this zone's aggregates (enough meters for the privacy rule). */
  hasAggregates: boolean;
  minMetersPerAggregate: number | undefined;
}

/** Reads the zone list body into summaries. */
export function readZoneList(body: unknown): ZoneSummary[] {
  const minText = typeof body === 'object' && body !== null ? Number((body as { minMetersPerAggregate?: unknown }).minMetersPerAggregate) : Number.NaN;
  const minMetersPerAggregate = Number.isFinite(minText) ? minText : undefined;
  return listIn<unknown>(body, 'zones').flatMap((raw): ZoneSummary[] => {
    if (typeof raw === 'string') return [{ id: raw, name: raw, meterCount: undefined, netFlowLimitW: undefined, hasAggregates: true, minMetersPerAggregate }];
    if (typeof raw !== 'object' || raw === null) return [];
    const fields = raw as Record<string, unknown>;
    const id = fields.id ?? fields.zone ?? fields.zoneId;
    if (typeof id !== 'string') return [];
    const count = Number(fields.meterCount ?? fields.meters);
    const limit = Number(fields.netFlowLimitW ?? fields.limitW ?? fields.maxNetFlowW);
    return [
      {
        id,
        name: typeof fields.name === 'string' ? fields.name : id,
        meterCount: Number.isFinite(count) ? count : undefined,
        netFlowLimitW: Number.isFinite(limit) && limit > 0 ? limit : undefined,
        hasAggregates: fields.hasAggregates !== false,
        minMetersPerAggregate,
      },
    ];
  });
}

/** Mounts the zone view into `root`; returns the function that unmounts it. */
export function mountZoneView(root: HTMLElement, zone: ZoneSummary, feed: LiveFeed): () => void {
  const production = figureTile('Production', 'zone-production');
  const consumption = figureTile('Consumption', 'zone-consumption');
  const netFlow = figureTile('Net flow', 'zone-net-flow');
  const meters = figureTile('Meters reporting', 'zone-meter-count', zone.meterCount === undefined ? '—' : String(zone.meterCount));
  const updatedLine = h(
    'p',
    { class: 'muted', 'data-testid': 'zone-updated' },
    zone.hasAggregates ? 'Waiting for the first live reading…' : `Zone figures appear once at least ${zone.minMetersPerAggregate ?? 5} meters report.`,
  );
  const chartBox = h('div', { class: 'chart', 'data-testid': 'zone-chart' });
  const chartNote = h('div', { class: 'chart-note' });

  const flowGauge = gauge('zone-flow-gauge');
  const flowCaption = h('p', { class: 'gauge-caption', 'data-testid': 'zone-flow-limit' });
  const voltageGauge = gauge('zone-voltage-gauge');
  const voltageCaption = h('p', { class: 'gauge-caption', 'data-testid': 'zone-voltage-band' }, 'The relay does not publish zone voltages yet.');
  flowGauge.element.hidden = true;
  voltageGauge.element.hidden = true;

  const selfSufficiency = figureTile('Self-sufficiency, 24 h', 'community-self-sufficiency');
  const localShare = figureTile('Bought from neighbours', 'community-local-share');
  const co2Avoided = figureTile('CO₂ avoided, 24 h', 'community-co2');

  const market = createMarketPanel();

  replaceChildren(
    root,
    h('div', { class: 'view-title' }, h('h1', {}, zone.name), updatedLine),
    h(
      'div',
      { class: 'grid' },
      card('Right now', { id: 'now', wide: true }, h('div', { class: 'figures' }, production.element, consumption.element, netFlow.element, meters.element)),
      card('Last 24 hours', { id: 'history', wide: true }, chartBox, chartNote),
      market.element,
      card(
        'Grid stability',
        { id: 'stability' },
        h('h3', {}, 'Net flow at the zone’s grid connection'),
        flowGauge.element,
        flowCaption,
        h('h3', {}, 'Voltage band (EN 50160: 230 V ± 10 %)'),
        voltageGauge.element,
        voltageCaption,
      ),
      card(
        'Community',
        { id: 'community', note: `CO₂ at ${ASSUMED_GRID_CARBON_G_PER_KWH} g/kWh grid mix (assumed)` },
        h('div', { class: 'figures figures-stack' }, selfSufficiency.element, localShare.element, co2Avoided.element),
      ),
    ),
  );

  const chart = new TimeSeriesChart(
    chartBox,
    [
      { label: 'Production', colourVariable: '--production', isFilled: true },
      { label: 'Consumption', colourVariable: '--consumption' },
      { label: 'Net flow (+ drawn / − fed back)', colourVariable: '--net' },
    ],
    { windowS: DAY_S, minimumSpanS: 3600, formatValue: formatPowerW, formatAxisValue: formatPowerAxisW },
  );
  const history: ZoneAggregate[] = [];
  let latestVoltage: { minDv: number; maxDv: number } | undefined;

  function showNow(aggregate: ZoneAggregate): void {
    production.show(formatPowerW(aggregate.productionW), 'from rooftop solar', 'production');
    consumption.show(formatPowerW(aggregate.consumptionW), 'in the homes', 'consumption');
    netFlow.show(
      formatPowerW(Math.abs(aggregate.netFlowW)),
      aggregate.netFlowW > 0 ? 'drawn from the grid' : aggregate.netFlowW < 0 ? 'fed back to the grid' : 'balanced',
      aggregate.netFlowW > 0 ? 'consumption' : 'production',
    );
    if (aggregate.meterCount !== undefined) meters.show(String(aggregate.meterCount), 'in this zone');
    updatedLine.textContent = `Live · last reading ${formatClockTime(aggregate.timeS)}`;
    showStability(aggregate);
  }

  function showStability(aggregate: ZoneAggregate): void {
    if (zone.netFlowLimitW !== undefined) {
      flowGauge.element.hidden = false;
      const ratio = Math.abs(aggregate.netFlowW) / zone.netFlowLimitW;
      flowGauge.set(Math.min(1, ratio / 1.25), [0, 0.8], ratio > 1 ? 'warning' : 'ok');
      flowCaption.textContent = `${formatPowerW(Math.abs(aggregate.netFlowW))} of ${formatPowerW(zone.netFlowLimitW)} allowed (${Math.round(ratio * 100)} %)`;
    } else {
      flowCaption.textContent = `${formatPowerW(Math.abs(aggregate.netFlowW))} ${aggregate.netFlowW >= 0 ? 'drawn' : 'fed back'} · no net-flow limit is configured for this zone`;
    }
    if (aggregate.voltageMinDv !== undefined && aggregate.voltageMaxDv !== undefined) {
      latestVoltage = { minDv: aggregate.voltageMinDv, maxDv: aggregate.voltageMaxDv };
    }
    if (latestVoltage !== undefined) {
      voltageGauge.element.hidden = false;
      const verdict = judgeVoltageSpread({ lowestDv: latestVoltage.minDv, highestDv: latestVoltage.maxDv });
      voltageGauge.set(
        voltageGaugePosition((latestVoltage.minDv + latestVoltage.maxDv) / 2),
        [voltageGaugePosition(VOLTAGE_BAND_LOW_DV), voltageGaugePosition(VOLTAGE_BAND_HIGH_DV)],
        verdict === 'within' ? 'ok' : 'warning',
      );
      voltageCaption.textContent = `Meters between ${formatVoltageDv(latestVoltage.minDv)} and ${formatVoltageDv(latestVoltage.maxDv)} — ${verdict === 'within' ? 'inside the band' : `outside the band (${verdict})`}`;
    }
  }

  function showCommunity(): void {
    const times = history.map((point) => point.timeS);
    const figures = computeCommunityFigures({
      productionWh: energyFromPowerSeries(times, history.map((point) => point.productionW), MAX_HOLD_S),
      consumptionWh: energyFromPowerSeries(times, history.map((point) => point.consumptionW), MAX_HOLD_S),
      tradedWh: market.tradedWh(),
    });
    selfSufficiency.show(formatShare(figures.selfSufficiency), `${formatEnergyWh(figures.locallyUsedWh)} of local solar used locally`, 'production');
    localShare.show(formatShare(figures.localShare), figures.localShare === undefined ? 'no market intervals yet' : 'of consumption, through the market');
    co2Avoided.show(formatCo2Grams(figures.co2AvoidedGrams), 'by solar used in the zone', 'production');
  }

  function addPoint(aggregate: ZoneAggregate): void {
    const last = history[history.length - 1];
    if (last !== undefined && aggregate.timeS < last.timeS) return;
    if (last !== undefined && aggregate.timeS === last.timeS) history[history.length - 1] = aggregate;
    else history.push(aggregate);
    while (history.length > 0 && history[0]!.timeS < aggregate.timeS - DAY_S) history.shift();
    chart.appendPoint(aggregate.timeS, [aggregate.productionW, aggregate.consumptionW, aggregate.netFlowW]);
    chartNote.textContent = '';
  }

  // Market events travel on their own public channel (docs/api.md §"Live feed"): `market:<zone>`.
  const unsubscribeMarket = feed.subscribe(`market:${zone.id}`, (message) => {
    if (market.applyFeedMessage(message.type, message.data)) showCommunity();
  });
  const unsubscribe = feed.subscribe(`zone:${zone.id}`, (message) => {
    if (message.type !== 'zone-aggregate' && message.type !== 'aggregate') return;
    const aggregate = readZoneAggregate(message.data, timeSecondsOf(message.ts));
    if (aggregate === undefined) return;
    addPoint(aggregate);
    showNow(aggregate);
    showCommunity();
  });

  void loadHistory();
  async function loadHistory(): Promise<void> {
    const toS = Math.floor(Date.now() / 1000);
    const fromS = toS - DAY_S;
    const encoded = encodeURIComponent(zone.id);
    const [hasIntervals, hasTrades] = await Promise.all([
      offersRoute('GET', '/api/v1/zones/{zone}/intervals'),
      offersRoute('GET', '/api/v1/zones/{zone}/trades'),
    ]);
    const notOffered = Promise.resolve({ ok: false, status: 404, code: 'not_offered', message: '' } as const);
    const [aggregates, intervals, trades] = await Promise.all([
      zone.hasAggregates
        ? requestApi<unknown>(`/api/v1/zones/${encoded}/aggregates?from=${fromS}&to=${toS}`)
        : Promise.resolve({ ok: false, status: 403, code: 'aggregate_too_small', message: `Zone figures are shown once at least ${zone.minMetersPerAggregate ?? 5} meters report, so that no household can be singled out.` } as const),
      hasIntervals ? requestApi<unknown>(`/api/v1/zones/${encoded}/intervals?from=${fromS}&to=${toS}`) : notOffered,
      hasTrades ? requestApi<unknown>(`/api/v1/zones/${encoded}/trades?from=${fromS}&to=${toS}`) : notOffered,
    ]);
    if (aggregates.ok) {
      const points = listIn<unknown>(aggregates.body, 'aggregates', 'intervals', 'points')
        .map((raw) => readZoneAggregate(raw))
        .filter((point): point is ZoneAggregate => point !== undefined)
        .sort((a, b) => a.timeS - b.timeS);
      const live = history.splice(0, history.length);
      history.push(...points.filter((point) => live.length === 0 || point.timeS < live[0]!.timeS), ...live);
      chart.setPoints(
        history.map((point) => point.timeS),
        [history.map((point) => point.productionW), history.map((point) => point.consumptionW), history.map((point) => point.netFlowW)],
      );
      if (history.length === 0) chartNote.textContent = 'No readings in the last 24 hours yet.';
      const latest = history[history.length - 1];
      if (latest !== undefined && live.length === 0) showNow(latest);
    } else if (aggregates.status === 403 || aggregates.code.includes('few')) {
      replaceChildren(chartNote, emptyState('zone-privacy', 'Not enough meters to show this zone', aggregates.message));
    } else {
      showUnavailable(chartNote, 'History', aggregates.message);
    }
    // Market history: a relay that offers no market routes yet is in the "no market intervals yet" state.
    market.setHistory(
      intervals.ok ? listIn<unknown>(intervals.body, 'intervals').map(readClearedInterval).filter((entry) => entry !== undefined) : [],
      trades.ok ? listIn<unknown>(trades.body, 'trades').map(readTrade).filter((entry) => entry !== undefined) : [],
    );
    showCommunity();
  }

  return () => {
    unsubscribe();
    unsubscribeMarket();
    chart.destroy();
    market.destroy();
  };
}
