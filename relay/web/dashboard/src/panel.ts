/**
 * The page's building blocks: a titled card, a big-figure tile and an honest empty state. Each view composes
 * these; the styles live in styles/dashboard.css under the same class names.
 */
import { h, replaceChildren, type ElementChild } from './element.ts';

/** A titled card; `wide` spans the whole row on large screens. */
export function card(title: string, options: { id?: string; wide?: boolean; note?: string }, ...children: ElementChild[]): HTMLElement {
  return h(
    'section',
    { class: options.wide ? 'card card-wide' : 'card', id: options.id, 'aria-label': title },
    h('header', { class: 'card-header' }, h('h2', {}, title), options.note ? h('span', { class: 'card-note' }, options.note) : null),
    ...children,
  );
}

/** A big figure with a label and a small caption under it. */
export interface FigureTile {
  element: HTMLElement;
  /** Shows a new value; stamps `data-updated-at-ms` so a reader (or a test) can tell when it changed. */
  show(value: string, caption?: string, tone?: 'production' | 'consumption' | 'neutral' | 'warning'): void;
}

/** Creates a figure tile; `testId` names the value node (`data-testid`). */
export function figureTile(label: string, testId: string, initial = '—'): FigureTile {
  const value = h('div', { class: 'figure-value', 'data-testid': testId }, initial);
  const caption = h('div', { class: 'figure-caption' });
  const element = h('div', { class: 'figure' }, h('div', { class: 'figure-label' }, label), value, caption);
  return {
    element,
    show(text, captionText, tone = 'neutral') {
      value.textContent = text;
      value.dataset.tone = tone;
      value.dataset.updatedAtMs = String(Date.now());
      caption.textContent = captionText ?? '';
    },
  };
}

/** The calm "nothing here yet" state, saying why. */
export function emptyState(testId: string, headline: string, detail: string): HTMLElement {
  return h('div', { class: 'empty', 'data-testid': testId }, h('strong', {}, headline), h('p', {}, detail));
}

/** Replaces a region's content with an error line (an API call failed). */
export function showUnavailable(region: Element, what: string, reason: string): void {
  replaceChildren(region, h('div', { class: 'empty empty-error' }, h('strong', {}, `${what} not available`), h('p', {}, reason)));
}

/** A horizontal gauge: a track, an optional shaded band, and a marker. Positions are 0…1 along the track. */
export function gauge(testId: string): { element: HTMLElement; set(position: number, band?: [number, number], tone?: string): void } {
  const bandNode = h('div', { class: 'gauge-band' });
  const marker = h('div', { class: 'gauge-marker' });
  const element = h('div', { class: 'gauge', 'data-testid': testId, role: 'img' }, bandNode, marker);
  return {
    element,
    set(position, band, tone = 'neutral') {
      marker.style.left = `${(Math.min(1, Math.max(0, position)) * 100).toFixed(1)}%`;
      marker.dataset.tone = tone;
      if (band) {
        bandNode.style.left = `${(band[0] * 100).toFixed(1)}%`;
        bandNode.style.width = `${((band[1] - band[0]) * 100).toFixed(1)}%`;
      }
    },
  };
}
