/**
 * A household's standing order: sell surplus at no less than a minimum price, buy needs at no more than a maximum
 * price, or let the relay price it ("auto"). The relay sizes each interval's order from its forecast
 * (docs/trading_rules.md); the household only sets the limits. "Save" has the relay store them; "Sign with wallet"
 * (when the relay takes signed orders and the browser has a wallet) signs them as EnergyListing orders that the
 * relay places on-chain, paying the gas (`signStandingOrder.ts`).
 */
import { requestApi } from './apiClient.ts';
import { offersRoute } from './apiCapabilities.ts';
import { h, replaceChildren } from './element.ts';
import { emptyState } from './panel.ts';
import { signStandingOrder } from './signStandingOrder.ts';
import { findWallet } from './walletSignIn.ts';

/** A standing order as the relay stores it; a limit of `null` means "auto". */
export interface StandingOrder {
  minSellPriceMicroPerKWh: number | null;
  maxBuyPriceMicroPerKWh: number | null;
}

/** Cents per kWh typed by a person → micro-units per kWh (1 token = 100 cents = 10⁶ micro). */
export function centsPerKWhToMicro(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'auto') return null;
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(trimmed)) return 'invalid';
  const [whole, fraction = ''] = trimmed.split('.');
  return Number(whole) * 10_000 + Number(fraction.padEnd(2, '0')) * 100;
}

/** Mounts the form for `meter`; returns the function that unmounts it. */
export function mountStandingOrderForm(region: HTMLElement, meter: string): () => void {
  const path = `/api/v1/meters/${meter}/standing-order`;
  let isMounted = true;
  void offersRoute('PUT', '/api/v1/meters/{address}/standing-order').then(async (isOffered) => {
    const current = isOffered ? await requestApi<StandingOrder>(path) : undefined;
    const takesSigned = isOffered && (await offersRoute('POST', '/api/v1/meters/{address}/standing-order/signed'));
    if (!isMounted) return;
    if (current === undefined) {
      replaceChildren(region, emptyState('household-order-closed', 'Standing orders are not open yet', 'This relay does not take orders yet; your meter is monitored and its readings are kept.'));
      return;
    }
    const order = current.ok ? current.body : { minSellPriceMicroPerKWh: null, maxBuyPriceMicroPerKWh: null };
    const asCents = (micro: number | null) => (micro === null ? '' : (micro / 10_000).toFixed(2));
    const sellInput = h('input', { id: 'min-sell', inputmode: 'decimal', placeholder: 'auto', value: asCents(order.minSellPriceMicroPerKWh) });
    const buyInput = h('input', { id: 'max-buy', inputmode: 'decimal', placeholder: 'auto', value: asCents(order.maxBuyPriceMicroPerKWh) });
    const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'order-status' });
    const wallet = takesSigned ? findWallet() : undefined;
    const signButton = wallet === undefined ? undefined : h('button', { type: 'button', id: 'sign-order', 'data-testid': 'sign-order' }, 'Sign with wallet');
    const form = h(
      'form',
      { class: 'order-form' },
      h('label', { for: 'min-sell' }, 'Sell my surplus for at least', h('span', { class: 'input-unit' }, sellInput, '¢/kWh')),
      h('label', { for: 'max-buy' }, 'Buy what I need for at most', h('span', { class: 'input-unit' }, buyInput, '¢/kWh')),
      h('p', { class: 'muted' }, 'Leave a field empty for "auto": the relay prices from the recent clearing prices.'),
      h('button', { class: 'primary', type: 'submit' }, 'Save'),
      ...(signButton === undefined ? [] : [signButton, h('p', { class: 'muted' }, 'Sign with wallet: your wallet signs both sides as on-chain orders; the relay places them and pays the gas.')]),
      status,
    );
    const readLimits = (): StandingOrder | undefined => {
      const minSell = centsPerKWhToMicro(sellInput.value);
      const maxBuy = centsPerKWhToMicro(buyInput.value);
      if (minSell === 'invalid' || maxBuy === 'invalid') {
        status.textContent = 'Prices are in cents per kWh, e.g. 12.5, or empty for auto.';
        return undefined;
      }
      return { minSellPriceMicroPerKWh: minSell, maxBuyPriceMicroPerKWh: maxBuy };
    };
    signButton?.addEventListener('click', async () => {
      const limits = readLimits();
      if (limits === undefined || wallet === undefined) return;
      status.textContent = 'Waiting for the wallet…';
      status.textContent = (await signStandingOrder(meter, limits, wallet)).message;
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const limits = readLimits();
      if (limits === undefined) return;
      const saved = await requestApi<StandingOrder>(path, { method: 'PUT', body: limits });
      status.textContent = saved.ok ? 'Saved. It applies from the next interval.' : `Not saved: ${saved.message}`;
    });
    replaceChildren(region, form);
  });
  return () => {
    isMounted = false;
  };
}
