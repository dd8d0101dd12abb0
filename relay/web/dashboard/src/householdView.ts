/**
 * The household view, after the owner signs in with their wallet (EIP-4361): their meter's live power and
 * registers, their standing order (minimum / maximum price or "auto"), their trades and settlements with links to
 * the transactions, their earnings and savings against the no-trading baseline, and their certificates.
 */
import { listIn, requestApi, useSessionToken } from './apiClient.ts';
import { offersRoute } from './apiCapabilities.ts';
import { formatAmountMicro, formatClockTime, formatEnergyWh, formatPowerAxisW, formatPowerW, formatVoltageDv, shortAddress } from './displayUnits.ts';
import { h, replaceChildren } from './element.ts';
import type { LiveFeed } from './liveFeed.ts';
import { readTrade, type TradeView } from './marketActivity.ts';
import { tradesTable } from './marketPanel.ts';
import { card, emptyState, figureTile, showUnavailable } from './panel.ts';
import { mountStandingOrderForm } from './standingOrderForm.ts';
import { TimeSeriesChart } from './timeSeriesChart.ts';
import { judgeVoltageSpread } from './voltageBand.ts';
import { findWallet, recallSession, rememberSession, signInWithWallet, type WalletSession } from './walletSignIn.ts';

const DAY_S = 24 * 3600;
const READINGS_POLL_MS = 2_000;
/** The household chart covers the last hour of samples: enough to see the day's shape without paging far. */
const CHART_WINDOW_S = 3600;
const READINGS_PAGE_SIZE = 2_000;
const READINGS_MAX_PAGES = 5;

/** One reading as `/api/v1/meters/:address/readings` returns it. */
interface Reading {
  seq: number;
  timeS: number;
  importWh: number;
  exportWh: number;
  powerW: number;
  voltageDv: number;
}

/** Mounts the household view; returns the function that unmounts it. */
export function mountHouseholdView(root: HTMLElement, feed: LiveFeed): () => void {
  let unmountSignedIn: (() => void) | undefined;
  const session = recallSession();
  if (session !== undefined) showSignedIn(session);
  else showSignIn();

  function showSignIn(failure?: string): void {
    const hasWallet = findWallet() !== undefined;
    const status = h('p', { class: failure ? 'sign-in-error' : 'muted', 'data-testid': 'sign-in-status', role: 'status' }, failure ?? '');
    const button = h('button', { class: 'primary', 'data-testid': 'sign-in', disabled: !hasWallet }, 'Sign in with your wallet');
    button.addEventListener('click', async () => {
      button.disabled = true;
      status.className = 'muted';
      status.textContent = 'Waiting for your wallet…';
      const result = await signInWithWallet();
      if ('token' in result) {
        rememberSession(result);
        showSignedIn(result);
      } else {
        showSignIn(result.message);
      }
    });
    replaceChildren(
      root,
      h('div', { class: 'view-title' }, h('h1', {}, 'My home')),
      h(
        'div',
        { class: 'grid' },
        card(
          'Sign in',
          { id: 'sign-in-card', wide: true },
          h('p', {}, 'Your meter data is yours: sign a short message with the wallet that owns your meter to see it. Nothing is sent to the chain and no fee is paid.'),
          hasWallet ? null : h('p', { class: 'sign-in-error' }, 'No wallet found in this browser. Install or unlock an Ethereum wallet to sign in.'),
          button,
          status,
        ),
      ),
    );
  }

  function showSignedIn(active: WalletSession): void {
    useSessionToken(active.token);
    feed.authenticate(active.token);
    const meterRegion = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Looking up your meters…'));
    const signOut = h('button', { class: 'quiet', 'data-testid': 'sign-out' }, 'Sign out');
    signOut.addEventListener('click', () => {
      rememberSession(undefined);
      useSessionToken(undefined);
      feed.authenticate(undefined);
      unmountSignedIn?.();
      showSignIn();
    });
    replaceChildren(
      root,
      h(
        'div',
        { class: 'view-title' },
        h('h1', {}, 'My home'),
        h('p', { class: 'muted' }, 'Signed in as ', h('span', { class: 'mono', 'data-testid': 'signed-in-address' }, shortAddress(active.address)), ' · ', signOut),
      ),
      meterRegion,
    );
    const cleanups: (() => void)[] = [];
    unmountSignedIn = () => cleanups.splice(0).forEach((cleanup) => cleanup());
    void findMyMeters().then((addresses) => {
      if (addresses === undefined) {
        showUnavailable(meterRegion, 'Your meters', 'the relay could not list meters');
        return;
      }
      if (addresses.length === 0) {
        replaceChildren(meterRegion, emptyState('household-no-meter', 'No meter registered to this wallet', `The relay knows no meter owned by ${active.address}. Ask your community's operator to register your clamp.`));
        return;
      }
      replaceChildren(meterRegion);
      for (const address of addresses) {
        const section = h('div', { class: 'grid' });
        meterRegion.appendChild(section);
        cleanups.push(mountMeterPanels(section, address, feed));
      }
    });
  }

  return () => unmountSignedIn?.();
}

/** The signed-in owner's meters (`/api/v1/me/meters`), or undefined when the relay cannot say. */
async function findMyMeters(): Promise<string[] | undefined> {
  const mine = await requestApi<unknown>('/api/v1/me/meters');
  return mine.ok ? listIn<{ address: string }>(mine.body, 'meters').map((meter) => meter.address) : undefined;
}

/** The panels of one owned meter. */
function mountMeterPanels(grid: HTMLElement, address: string, feed: LiveFeed): () => void {
  const power = figureTile('Power now', 'household-power');
  const imported = figureTile('Imported (register)', 'household-import');
  const exported = figureTile('Exported (register)', 'household-export');
  const voltage = figureTile('Voltage', 'household-voltage');
  const chartBox = h('div', { class: 'chart', 'data-testid': 'household-chart' });
  const chartNote = h('p', { class: 'muted chart-note' }, 'No readings in the last hour yet.');
  const tradesRegion = h('div', {});
  const earningsRegion = h('div', {});
  const certificatesRegion = h('div', {});
  const orderRegion = h('div', {});
  grid.append(
    card('My meter · last hour', { id: 'my-meter', wide: true, note: address }, h('div', { class: 'figures' }, power.element, imported.element, exported.element, voltage.element), chartBox, chartNote),
    card('My standing order', { id: 'my-order' }, orderRegion),
    card('Earnings and savings', { id: 'my-earnings', note: 'against the no-trading baseline' }, earningsRegion),
    card('My trades and settlements', { id: 'my-trades', wide: true }, tradesRegion),
    card('My certificates', { id: 'my-certificates', wide: true, note: 'platform attestations, not official Guarantees of Origin' }, certificatesRegion),
  );
  const chart = new TimeSeriesChart(chartBox, [{ label: 'Power (+ import / − export)', colourVariable: '--accent', isFilled: true }], { windowS: CHART_WINDOW_S, minimumSpanS: CHART_WINDOW_S, formatValue: formatPowerW, formatAxisValue: formatPowerAxisW });
  let lastSeq = -1;

  function showReading(reading: Reading): void {
    if (reading.seq <= lastSeq) return;
    lastSeq = reading.seq;
    power.show(formatPowerW(Math.abs(reading.powerW)), reading.powerW < 0 ? 'exporting to the grid' : 'importing from the grid', reading.powerW < 0 ? 'production' : 'consumption');
    imported.show(formatEnergyWh(reading.importWh), `at ${formatClockTime(reading.timeS)}`);
    exported.show(formatEnergyWh(reading.exportWh), `at ${formatClockTime(reading.timeS)}`);
    const verdict = judgeVoltageSpread({ lowestDv: reading.voltageDv, highestDv: reading.voltageDv });
    voltage.show(formatVoltageDv(reading.voltageDv), verdict === 'within' ? 'inside 230 V ± 10 %' : `outside 230 V ± 10 % (${verdict})`, verdict === 'within' ? 'neutral' : 'warning');
    chart.appendPoint(reading.timeS, [reading.powerW]);
    chartNote.textContent = '';
  }

  /** Reads the readings since `fromS`, page by page (`afterSeq` = `nextAfterSeq`), at most a few pages a call. */
  async function pollReadings(fromS: number): Promise<void> {
    const toS = Math.floor(Date.now() / 1000) + 60;
    let afterSeq = lastSeq >= 0 ? lastSeq : undefined;
    for (let page = 0; page < READINGS_MAX_PAGES; page += 1) {
      const cursor = afterSeq === undefined ? '' : `&afterSeq=${afterSeq}`;
      const result = await requestApi<{ readings?: Reading[]; nextAfterSeq?: number | null }>(
        `/api/v1/meters/${address}/readings?from=${fromS}&to=${toS}&limit=${READINGS_PAGE_SIZE}${cursor}`,
      );
      if (!result.ok) return;
      for (const reading of listIn<Reading>(result.body, 'readings').sort((a, b) => a.seq - b.seq)) showReading(reading);
      const next = result.body.nextAfterSeq;
      if (typeof next !== 'number') return;
      afterSeq = next;
    }
  }

  const unsubscribe = feed.subscribe(`meter:${address}`, (message) => {
    if (message.type !== 'meter-sample') return;
    const reading = message.data as Partial<Reading>;
    if (typeof reading?.seq === 'number' && typeof reading.powerW === 'number') showReading(reading as Reading);
  });
  const nowS = Math.floor(Date.now() / 1000);
  void pollReadings(nowS - CHART_WINDOW_S);
  let lastPollS = nowS;
  const poller = setInterval(() => {
    const fromS = lastPollS - 60;
    lastPollS = Math.floor(Date.now() / 1000);
    void pollReadings(fromS);
  }, READINGS_POLL_MS);

  const unmountOrder = mountStandingOrderForm(orderRegion, address);
  void loadTrades();
  void loadCertificates();

  async function loadTrades(): Promise<void> {
    const result = (await offersRoute('GET', '/api/v1/meters/{address}/trades'))
      ? await requestApi<unknown>(`/api/v1/meters/${address}/trades?from=${nowS - 30 * DAY_S}&to=${nowS + 60}`)
      : undefined;
    const trades: TradeView[] = result?.ok ? listIn<unknown>(result.body, 'trades').map(readTrade).filter((trade) => trade !== undefined) : [];
    if (trades.length === 0) {
      replaceChildren(tradesRegion, emptyState('household-trades-empty', 'No market intervals yet', 'Your trades and their settlement transactions appear here once your zone\'s market clears an interval with your orders in it.'));
      replaceChildren(earningsRegion, emptyState('household-earnings-empty', 'Nothing traded yet', 'Without trades your bill is the same as with the utility alone; the difference the market makes shows here.'));
      return;
    }
    replaceChildren(tradesRegion, tradesTable(trades));
    const baseline = result?.ok ? (result.body as { baselineDeltaMicro?: string | number }).baselineDeltaMicro : undefined;
    const soldMicro = trades.filter((trade) => trade.seller.toLowerCase() === address).reduce((total, trade) => total + trade.amountMicro, 0n);
    const boughtMicro = trades.filter((trade) => trade.buyer.toLowerCase() === address).reduce((total, trade) => total + trade.amountMicro, 0n);
    const sold = figureTile('Earned from sales', 'household-earned');
    const bought = figureTile('Paid for purchases', 'household-paid');
    const delta = figureTile('Better off than the utility alone', 'household-vs-baseline');
    sold.show(formatAmountMicro(soldMicro));
    bought.show(formatAmountMicro(boughtMicro));
    delta.show(baseline === undefined ? '—' : formatAmountMicro(baseline), baseline === undefined ? 'the relay has not computed the baseline yet' : 'against retail price and feed-in tariff');
    replaceChildren(earningsRegion, h('div', { class: 'figures figures-stack' }, sold.element, bought.element, delta.element));
  }

  async function loadCertificates(): Promise<void> {
    const result = (await offersRoute('GET', '/api/v1/meters/{address}/certificates')) ? await requestApi<unknown>(`/api/v1/meters/${address}/certificates`) : undefined;
    const certificates = result?.ok ? listIn<{ id: string | number; energyWh: number; startS: number; endS: number; isClaimed?: boolean }>(result.body, 'certificates') : [];
    if (certificates.length === 0) {
      replaceChildren(certificatesRegion, emptyState('household-certificates-empty', 'No certificates yet', 'A certificate is minted for each settled interval of solar energy you sold; claim it to retire it for your own use.'));
      return;
    }
    replaceChildren(
      certificatesRegion,
      h(
        'ul',
        { class: 'certificates' },
        ...certificates.map((certificate) => {
          const claim = h('button', { class: 'quiet', disabled: certificate.isClaimed === true }, certificate.isClaimed ? 'Claimed' : 'Claim');
          claim.addEventListener('click', async () => {
            claim.disabled = true;
            const claimed = await requestApi<unknown>(`/api/v1/certificates/${encodeURIComponent(String(certificate.id))}/claim`, { method: 'POST', body: {} });
            claim.textContent = claimed.ok ? 'Claimed' : `Not claimed: ${claimed.message}`;
            if (!claimed.ok) claim.disabled = false;
          });
          return h('li', {}, h('span', {}, `#${certificate.id}`), h('span', {}, formatEnergyWh(certificate.energyWh)), h('span', { class: 'muted' }, `${formatClockTime(certificate.startS, true)} – ${formatClockTime(certificate.endS)}`), claim);
        }),
      ),
    );
  }

  return () => {
    unsubscribe();
    clearInterval(poller);
    chart.destroy();
    unmountOrder();
  };
}
