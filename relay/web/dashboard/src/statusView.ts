/**
 * The operator's status view: meters online, records per second, rejections by reason, fraud flags, the
 * settlement queue and the chain connection — from `/metrics` (Prometheus text), `/health/ready` and the
 * operator-only `/api/v1/rejections` and `/api/v1/delivery` (each meter's watermark, open and abandoned gaps),
 * polled every few seconds.
 */
import { listIn, requestApi } from './apiClient.ts';
import { offersRoute } from './apiCapabilities.ts';
import { showDelivery } from './deliveryPanel.ts';
import { readDeliveryStates } from './deliveryStates.ts';
import { formatClockTime } from './displayUnits.ts';
import { h, replaceChildren } from './element.ts';
import { card, emptyState, figureTile } from './panel.ts';
import { metricByLabel, parsePrometheusText, sumMetric, type MetricSample } from './prometheusText.ts';

const POLL_MS = 3_000;
const operatorTokenKey = 'pet.operatorToken';

/** The first metric present among `names` (the relay's names, then older or alternative spellings). */
function firstMetric(samples: MetricSample[], ...names: string[]): number | undefined {
  for (const name of names) {
    const value = sumMetric(samples, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Mounts the status view; returns the function that unmounts it. */
export function mountStatusView(root: HTMLElement): () => void {
  const metersOnline = figureTile('Meters online', 'status-meters-online');
  const recordsPerSecond = figureTile('Records stored per second', 'status-records-per-second');
  const queueDepth = figureTile('Ingest queue', 'status-queue-depth');
  const fraudFlags = figureTile('Fraud flags', 'status-fraud-flags');
  const settlementQueue = figureTile('Settlement queue', 'status-settlement-queue');
  const chain = figureTile('Chain', 'status-chain');
  const readiness = h('ul', { class: 'checks', 'data-testid': 'status-checks' });
  const rejectionsByCode = h('div', { 'data-testid': 'status-rejections' });
  const rejectionLog = h('div', {});
  const delivery = h('div', {});
  const tokenInput = h('input', { type: 'password', placeholder: 'operator token', autocomplete: 'off', value: sessionStorage.getItem(operatorTokenKey) ?? '' });
  const tokenForm = h('form', { class: 'token-form' }, tokenInput, h('button', { class: 'quiet', type: 'submit' }, 'Show details'));
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(operatorTokenKey, tokenInput.value.trim());
    void poll();
  });

  replaceChildren(
    root,
    h('div', { class: 'view-title' }, h('h1', {}, 'Relay status'), h('p', { class: 'muted', 'data-testid': 'status-updated' }, 'Reading the relay…')),
    h(
      'div',
      { class: 'grid' },
      card('Ingest', { id: 'ingest', wide: true }, h('div', { class: 'figures' }, metersOnline.element, recordsPerSecond.element, queueDepth.element, fraudFlags.element, settlementQueue.element, chain.element)),
      card('Readiness', { id: 'readiness' }, readiness),
      card('Rejections by reason', { id: 'rejections', note: 'since the relay started' }, rejectionsByCode),
      card('Latest rejections', { id: 'rejection-log', wide: true, note: 'operator only' }, tokenForm, rejectionLog),
      card('Delivery', { id: 'delivery', wide: true, note: 'operator only · watermark, open and abandoned gaps per meter' }, delivery),
    ),
  );

  let previous: { stored: number; atMs: number } | undefined;
  let isMounted = true;

  async function poll(): Promise<void> {
    const nowS = Math.floor(Date.now() / 1000);
    const [metricsResult, ready, metersResult] = await Promise.all([
      requestApi<string>('/metrics', { as: 'text' }),
      // 503 carries the failing checks in its body: read it either way.
      fetch('/health/ready', { headers: { accept: 'application/json' } })
        .then(async (response) => ({ isReady: response.ok, body: (await response.json()) as unknown }))
        .catch(() => ({ isReady: false, body: {} as unknown })),
      requestApi<unknown>('/api/v1/meters?limit=500'),
    ]);
    if (!isMounted) return;
    const samples = metricsResult.ok ? parsePrometheusText(metricsResult.body) : [];
    showIngest(samples, metersResult.ok ? listIn<{ isActive?: boolean }>(metersResult.body, 'meters') : undefined);
    showReadiness(ready.body, ready.isReady);
    showRejections(samples);
    await Promise.all([showRejectionLog(), showDeliveryStates()]);
    const updated = root.querySelector('[data-testid="status-updated"]');
    if (updated) updated.textContent = `Updated ${formatClockTime(nowS)} · every ${POLL_MS / 1000} s`;
  }

  function showIngest(samples: MetricSample[], meters: { isActive?: boolean }[] | undefined): void {
    const online = firstMetric(samples, 'pet_relay_meters_online', 'pet_relay_meters_online_count');
    if (online !== undefined) metersOnline.show(String(online), 'reported recently');
    else if (meters !== undefined) metersOnline.show(String(meters.filter((meter) => meter.isActive !== false).length), 'registered and active');
    const stored = firstMetric(samples, 'pet_relay_records_stored_total');
    const atMs = Date.now();
    if (stored !== undefined) {
      if (previous !== undefined && atMs > previous.atMs) {
        const rate = ((stored - previous.stored) * 1000) / (atMs - previous.atMs);
        recordsPerSecond.show(rate.toFixed(rate < 10 ? 1 : 0), `${stored} stored in all`);
      } else recordsPerSecond.show('…', `${stored} stored in all`);
      previous = { stored, atMs };
    } else recordsPerSecond.show('—', 'no ingest metrics');
    const queue = firstMetric(samples, 'pet_relay_queue_depth');
    queueDepth.show(queue === undefined ? '—' : String(queue), 'received, not yet stored', queue !== undefined && queue > 1000 ? 'warning' : 'neutral');
    const fraud = firstMetric(samples, 'pet_relay_fraud_flags_total', 'pet_relay_fraud_flags');
    fraudFlags.show(fraud === undefined ? '0' : String(fraud), fraud === undefined ? 'no fraud rules have fired' : 'flags raised', fraud ? 'warning' : 'neutral');
    const settlement = firstMetric(samples, 'pet_relay_settlement_queue_depth', 'pet_relay_settlements_pending');
    settlementQueue.show(settlement === undefined ? '—' : String(settlement), settlement === undefined ? 'no settlement running yet' : 'intervals waiting for the chain');
  }

  function showReadiness(body: unknown, isReady: boolean): void {
    const checks = readChecks(body);
    const chainCheck = checks.find((check) => /chain|rpc|anvil/i.test(check.name));
    if (chainCheck === undefined) chain.show('—', 'no chain connection configured');
    else chain.show(chainCheck.isOk ? 'connected' : 'down', chainCheck.detail ?? chainCheck.name, chainCheck.isOk ? 'production' : 'warning');
    replaceChildren(
      readiness,
      h('li', { class: isReady ? 'check-ok' : 'check-bad' }, h('strong', {}, isReady ? 'Ready' : 'Not ready')),
      ...checks.map((check) => h('li', { class: check.isOk ? 'check-ok' : 'check-bad' }, h('span', {}, check.name), h('span', { class: 'muted' }, check.detail ?? (check.isOk ? 'ok' : 'failing')))),
    );
  }

  function showRejections(samples: MetricSample[]): void {
    const byCode = [...metricByLabel(samples, 'pet_relay_records_rejected_total', 'code')].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]);
    if (byCode.length === 0) {
      replaceChildren(rejectionsByCode, emptyState('status-no-rejections', 'Nothing rejected', 'Every record received so far passed the checks.'));
      return;
    }
    const largest = byCode[0]![1];
    replaceChildren(
      rejectionsByCode,
      h(
        'ul',
        { class: 'bars' },
        ...byCode.map(([code, count]) =>
          {
            const fill = h('span', { class: 'bar-fill' });
            fill.style.width = `${Math.max(2, (count / largest) * 100).toFixed(0)}%`; // CSSOM, allowed by the page's CSP
            return h('li', {}, h('span', { class: 'mono' }, code), h('span', { class: 'bar' }, fill), h('span', { class: 'num' }, String(count)));
          },
        ),
      ),
    );
  }

  async function showRejectionLog(): Promise<void> {
    const token = sessionStorage.getItem(operatorTokenKey);
    if (!token) {
      replaceChildren(rejectionLog, h('p', { class: 'muted' }, 'Enter the operator token (PET_OPERATOR_TOKEN) to list the rejected records.'));
      return;
    }
    const response = await fetch('/api/v1/rejections?limit=20', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).catch(() => undefined);
    if (response === undefined || !response.ok) {
      replaceChildren(rejectionLog, h('p', { class: 'sign-in-error' }, response?.status === 401 || response?.status === 403 ? 'The relay refused this operator token.' : 'Rejections are not available.'));
      return;
    }
    const rows = listIn<{ receivedAt: string; code: string; reason: string; meter: string | null }>(await response.json(), 'rejections');
    if (rows.length === 0) {
      replaceChildren(rejectionLog, emptyState('status-rejection-log-empty', 'No rejections stored', 'Refused records would be listed here, newest first, with their reason.'));
      return;
    }
    const header = h('tr', {}, h('th', {}, 'Time'), h('th', {}, 'Code'), h('th', {}, 'Meter'), h('th', {}, 'Reason'));
    const lines = rows.map((row) =>
      h('tr', {}, h('td', {}, formatClockTime(Date.parse(row.receivedAt) / 1000)), h('td', { class: 'mono' }, row.code), h('td', { class: 'mono' }, row.meter ?? '—'), h('td', {}, row.reason)),
    );
    replaceChildren(
      rejectionLog,
      h('div', { class: 'table-scroll' }, h('table', { class: 'table' }, h('thead', {}, header), h('tbody', { 'data-testid': 'status-rejection-log' }, ...lines))),
    );
  }

  async function showDeliveryStates(): Promise<void> {
    const token = sessionStorage.getItem(operatorTokenKey);
    if (!(await offersRoute('GET', '/api/v1/delivery'))) {
      replaceChildren(delivery, emptyState('status-delivery-unavailable', 'Delivery state not offered', 'This relay does not serve /api/v1/delivery.'));
      return;
    }
    if (!token) {
      replaceChildren(delivery, h('p', { class: 'muted' }, 'Enter the operator token above to see each meter’s watermark, open gaps and abandoned gaps.'));
      return;
    }
    const response = await fetch('/api/v1/delivery?limit=500', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).catch(() => undefined);
    if (!isMounted) return;
    if (response === undefined || !response.ok) {
      replaceChildren(delivery, h('p', { class: 'sign-in-error' }, response?.status === 401 || response?.status === 403 ? 'The relay refused this operator token.' : 'Delivery state is not available.'));
      return;
    }
    const body = (await response.json()) as { nextAfter?: unknown };
    if (!isMounted) return;
    showDelivery(delivery, readDeliveryStates(body), typeof body.nextAfter === 'string');
  }

  void poll();
  const timer = setInterval(() => void poll(), POLL_MS);
  return () => {
    isMounted = false;
    clearInterval(timer);
  };
}

/** The checks in a readiness body: `{checks: {name: {ok, detail}}}` or `{checks: [{name, ok}]}` or flat booleans. */
function readChecks(body: unknown): { name: string; isOk: boolean; detail: string | undefined }[] {
  if (typeof body !== 'object' || body === null) return [];
  const container = (body as { checks?: unknown }).checks ?? body;
  const entries: [string, unknown][] = Array.isArray(container)
    ? container.map((entry: { name?: string }) => [String(entry?.name ?? '?'), entry])
    : Object.entries(container as Record<string, unknown>);
  return entries
    .filter(([name]) => !['status', 'ok', 'isReady'].includes(name))
    .map(([name, value]) => {
      if (typeof value === 'boolean') return { name, isOk: value, detail: undefined };
      if (typeof value === 'string') return { name, isOk: /^(ok|up|ready|connected)$/i.test(value), detail: value };
      const fields = (value ?? {}) as { ok?: boolean; isOk?: boolean; isHealthy?: boolean; status?: string; detail?: string; message?: string; error?: string };
      const isOk = fields.isHealthy ?? fields.ok ?? fields.isOk ?? (fields.status !== undefined ? /^(ok|up|ready|connected)$/i.test(fields.status) : false);
      return { name, isOk, detail: fields.detail ?? fields.message ?? fields.error ?? fields.status };
    });
}
