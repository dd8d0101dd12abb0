/**
 * The neighbourhood dashboard's entry point: the page shell (header, navigation, live-feed indicator) and a
 * hash router over three views — `#/zone/<id>`, `#/home`, `#/status`. Bundled by esbuild at relay start
 * (relay/web/dashboard/buildDashboard.ts); no framework, no CDN.
 */
import 'uplot/dist/uPlot.min.css';
import '../styles/dashboard.css';
import { requestApi } from './apiClient.ts';
import { h, replaceChildren } from './element.ts';
import { mountHouseholdView } from './householdView.ts';
import { LiveFeed, feedUrlForPage } from './liveFeed.ts';
import { mountStatusView } from './statusView.ts';
import { mountZoneView, readZoneList, type ZoneSummary } from './zoneView.ts';
import { emptyState } from './panel.ts';

type Route = { view: 'zone'; zoneId: string | undefined } | { view: 'home' } | { view: 'status' };

function readRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  if (first === 'home') return { view: 'home' };
  if (first === 'status') return { view: 'status' };
  return { view: 'zone', zoneId: second ? decodeURIComponent(second) : undefined };
}

async function start(): Promise<void> {
  const feed = new LiveFeed(feedUrlForPage(location));
  const feedBadge = h('span', { class: 'feed-badge', 'data-testid': 'feed-state', 'data-state': 'connecting' }, 'connecting');
  feed.onState((state) => {
    feedBadge.dataset.state = state;
    feedBadge.textContent = state;
  });
  feed.open();

  const links = {
    zone: h('a', { href: '#/zone' }, 'Neighbourhood'),
    home: h('a', { href: '#/home' }, 'My home'),
    status: h('a', { href: '#/status' }, 'Status'),
  };
  const zonePicker = h('select', { 'aria-label': 'Grid zone', 'data-testid': 'zone-picker' });
  const main = h('main', { id: 'view' });
  replaceChildren(
    document.body,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/zone' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'peer-energy-trader'),
      h('nav', {}, links.zone, links.home, links.status),
      h('div', { class: 'top-right' }, zonePicker, feedBadge),
    ),
    main,
    h('footer', { class: 'foot' }, 'Readings are signed by each meter and verified by this relay. Figures over several homes are shown only when they cover at least five meters.'),
  );

  const zonesResult = await requestApi<unknown>('/api/v1/zones');
  const zones: ZoneSummary[] = zonesResult.ok ? readZoneList(zonesResult.body) : [];
  replaceChildren(zonePicker, ...zones.map((zone) => h('option', { value: zone.id }, zone.name)));
  zonePicker.hidden = zones.length < 2;
  zonePicker.addEventListener('change', () => (location.hash = `#/zone/${encodeURIComponent(zonePicker.value)}`));

  let unmount: (() => void) | undefined;
  function render(): void {
    unmount?.();
    unmount = undefined;
    const route = readRoute(location.hash);
    for (const [name, link] of Object.entries(links)) link.classList.toggle('active', name === route.view);
    document.body.dataset.view = route.view;
    if (route.view === 'home') unmount = mountHouseholdView(main, feed);
    else if (route.view === 'status') unmount = mountStatusView(main);
    else {
      const zone = zones.find((entry) => entry.id === route.zoneId) ?? zones[0];
      if (zone === undefined) {
        replaceChildren(
          main,
          emptyState('zone-none', 'No zones yet', zonesResult.ok ? 'Zones appear once the operator registers the first meters.' : `The relay did not list zones: ${zonesResult.message}`),
        );
        return;
      }
      zonePicker.value = zone.id;
      unmount = mountZoneView(main, zone, feed);
    }
  }
  window.addEventListener('hashchange', render);
  render();
}

void start();
