/**
 * The status view's delivery card: per meter the watermark (everything up to it is stored or given up), the
 * highest stored seq, the gaps the relay is asking the meter to resend, and the ranges abandoned for good with
 * their exact seq range and reason. Meters that lost records come first.
 */
import { formatClockTime, shortAddress } from './displayUnits.ts';
import { h, replaceChildren } from './element.ts';
import { emptyState } from './panel.ts';
import { abandonReasonText, deliveryTotals, formatSeq, formatSeqRange, orderForAttention, type DeliveryStateView } from './deliveryStates.ts';

function timeOf(iso: string): string {
  const timeMs = Date.parse(iso);
  return Number.isNaN(timeMs) ? iso : formatClockTime(Math.floor(timeMs / 1000), true);
}

function moreNote(listed: number, count: number): HTMLElement | null {
  return count > listed ? h('li', { class: 'muted' }, `… ${count - listed} older not listed`) : null;
}

function openGapsCell(state: DeliveryStateView): HTMLElement {
  if (state.openGapCount === 0) return h('td', { class: 'muted' }, 'none');
  return h(
    'td',
    {},
    h(
      'ul',
      { class: 'gap-list', 'data-testid': 'delivery-open-gaps' },
      moreNote(state.openGaps.length, state.openGapCount),
      ...state.openGaps.map((gap) => h('li', {}, h('span', { class: 'mono' }, formatSeqRange(gap.fromSeq, gap.toSeq)), h('span', { class: 'muted' }, ` missing since ${timeOf(gap.detectedAt)}`))),
    ),
  );
}

function abandonedGapsCell(state: DeliveryStateView): HTMLElement {
  if (state.abandonedGapCount === 0) return h('td', { class: 'muted' }, 'none');
  return h(
    'td',
    {},
    h(
      'ul',
      { class: 'gap-list gap-list-lost', 'data-testid': 'delivery-abandoned-gaps' },
      moreNote(state.abandonedGaps.length, state.abandonedGapCount),
      ...state.abandonedGaps.map((gap) =>
        h(
          'li',
          { 'data-reason': gap.reason },
          h('span', { class: 'mono' }, formatSeqRange(gap.fromSeq, gap.toSeq)),
          ` — ${abandonReasonText(gap.reason)} `,
          h('span', { class: 'mono muted' }, `(${gap.reason})`),
          h('span', { class: 'muted' }, ` · ${timeOf(gap.recordedAt)}`),
        ),
      ),
    ),
  );
}

/** Draws the listing into `region`; `hasMore` when the relay has meters beyond this page. */
export function showDelivery(region: Element, states: readonly DeliveryStateView[], hasMore: boolean): void {
  if (states.length === 0) {
    replaceChildren(region, emptyState('status-delivery-empty', 'No meters registered', 'Each meter’s watermark and gaps appear here once the operator registers it.'));
    return;
  }
  const totals = deliveryTotals(states);
  const summary =
    totals.abandonedGaps === 0 && totals.openGaps === 0
      ? `${totals.meters} meters: no open gaps, nothing abandoned.`
      : `${totals.meters} meters · ${totals.openGaps} open gap${totals.openGaps === 1 ? '' : 's'} · ${totals.abandonedGaps} abandoned gap${totals.abandonedGaps === 1 ? '' : 's'} (${totals.abandonedRecords} record${totals.abandonedRecords === 1 ? '' : 's'} lost for good)`;
  const header = h(
    'tr',
    {},
    h('th', {}, 'Meter'),
    h('th', { class: 'num', title: 'every record up to this seq is stored or abandoned' }, 'Watermark'),
    h('th', { class: 'num' }, 'Last stored'),
    h('th', { class: 'num', title: 'lowest seq the meter reported still holding' }, 'Meter holds from'),
    h('th', {}, 'Open gaps'),
    h('th', {}, 'Abandoned gaps'),
  );
  const rows = orderForAttention(states).map((state) =>
    h(
      'tr',
      { 'data-meter': state.meter },
      h('td', { class: 'mono nowrap', title: state.meter }, shortAddress(state.meter)),
      h('td', { class: 'num', 'data-testid': 'delivery-watermark' }, formatSeq(state.contiguousSeq)),
      h('td', { class: 'num' }, formatSeq(state.lastSeq)),
      h('td', { class: 'num' }, state.heldFromSeq === null ? '—' : String(state.heldFromSeq)),
      openGapsCell(state),
      abandonedGapsCell(state),
    ),
  );
  replaceChildren(
    region,
    h('p', { class: 'muted', 'data-testid': 'status-delivery-summary' }, summary),
    hasMore ? h('p', { class: 'muted' }, `The first ${states.length} meters by address; more are registered.`) : null,
    h('div', { class: 'table-scroll' }, h('table', { class: 'table' }, h('thead', {}, header), h('tbody', { 'data-testid': 'status-delivery' }, ...rows))),
  );
}
