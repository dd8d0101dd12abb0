/**
 * The standing order signed with the household's wallet instead of saved by the relay: each side becomes an
 * `EnergyListing` order (an offer at the minimum sell price, a bid at the maximum buy price, 0 = "auto"), signed
 * with `eth_signTypedData_v4` (EIP-712) through the page's EIP-1193 provider and posted to
 * `POST /api/v1/meters/{address}/standing-order/signed`. The relay places them on-chain and pays the gas; the
 * standing order changes once the chain has them. The typed data comes from the one definition the relay checks
 * against (`shared/market/listingTypedData.ts`); the key never leaves the wallet.
 */
import { LISTING_SIDE_BID, LISTING_SIDE_OFFER, MAX_UINT32, placeOrderTypedData, typedDataV4Json, type ListingDomain, type ListingOrder } from '../../../../shared/market/listingTypedData.ts';
import { requestApi } from './apiClient.ts';
import type { Eip1193Provider } from './walletSignIn.ts';

/** What `GET …/standing-order/signed` answers, the fields this page uses. */
export interface SigningContext {
  owner: string;
  zoneId: string;
  domain: ListingDomain;
  nextNonce: string;
  nameplateW: number | null;
}

/** The form's two limits, micro-units per kWh; null = "auto". */
export interface StandingLimits {
  minSellPriceMicroPerKWh: number | null;
  maxBuyPriceMicroPerKWh: number | null;
}

/** A standing order lasts a year; the household replaces it by signing again. */
export const ORDER_LIFETIME_S = 365 * 86_400;
/** The relay has an hour to get the signature on-chain. */
export const SIGNATURE_LIFETIME_S = 3_600;

/** One order to sign: the typed data, and the body to post once signed. */
export interface PlannedOrder {
  typed: ReturnType<typeof placeOrderTypedData>;
  body: { order: Record<string, string | number>; nonce: string; deadlineS: string };
}

/**
 * The offer and the bid that express `limits`, with the owner's next two nonces. Each caps the meter at its
 * nameplate for intervals up to an hour (`maxWhPerInterval` = nameplate W × 1 h), or not at all without one.
 */
export function planStandingOrders(context: SigningContext, limits: StandingLimits, nowS: number): PlannedOrder[] {
  const now = Math.floor(nowS);
  const sides = [
    { side: LISTING_SIDE_OFFER, limit: limits.minSellPriceMicroPerKWh },
    { side: LISTING_SIDE_BID, limit: limits.maxBuyPriceMicroPerKWh },
  ] as const;
  return sides.map(({ side, limit }, index) => {
    const order: ListingOrder = {
      owner: context.owner as `0x${string}`,
      zone: BigInt(context.zoneId),
      side,
      maxWhPerInterval: Math.min(MAX_UINT32, Math.max(1, context.nameplateW ?? MAX_UINT32)),
      limitPricePerKWh: BigInt(limit ?? 0),
      validFromS: now,
      validUntilS: Math.min(MAX_UINT32, now + ORDER_LIFETIME_S),
    };
    const nonce = BigInt(context.nextNonce) + BigInt(index);
    const deadlineS = BigInt(now + SIGNATURE_LIFETIME_S);
    return {
      typed: placeOrderTypedData(context.domain, order, nonce, deadlineS),
      body: {
        order: { ...order, zone: order.zone.toString(), limitPricePerKWh: Number(order.limitPricePerKWh) },
        nonce: nonce.toString(),
        deadlineS: deadlineS.toString(),
      },
    };
  });
}

/** The outcome, in words for the form's status line. */
export type SignedOutcome = { ok: true; message: string } | { ok: false; message: string };

/**
 * Reads what to sign, has the wallet sign both sides and posts them.
 * @example const outcome = await signStandingOrder(meter, { minSellPriceMicroPerKWh: 120000, maxBuyPriceMicroPerKWh: null }, wallet);
 */
export async function signStandingOrder(meter: string, limits: StandingLimits, wallet: Eip1193Provider, nowS = Date.now() / 1000): Promise<SignedOutcome> {
  const base = `/api/v1/meters/${meter}/standing-order/signed`;
  const context = await requestApi<SigningContext>(base);
  if (!context.ok) {
    return { ok: false, message: context.code === 'listing_unavailable' ? 'This relay takes no signed orders yet; use Save.' : `Not signed: ${context.message}` };
  }
  let account: string;
  try {
    const accounts = (await wallet.request({ method: 'eth_requestAccounts' })) as string[];
    account = String(accounts[0] ?? '').toLowerCase();
  } catch (error) {
    return { ok: false, message: `The wallet did not share an account: ${(error as Error).message}` };
  }
  if (account !== context.body.owner.toLowerCase()) {
    return { ok: false, message: `The wallet's account ${account || '(none)'} is not this meter's owner ${context.body.owner}; switch accounts and sign again.` };
  }
  let sent = 0;
  for (const planned of planStandingOrders(context.body, limits, nowS)) {
    let signature: string;
    try {
      signature = String(await wallet.request({ method: 'eth_signTypedData_v4', params: [account, typedDataV4Json(planned.typed)] }));
    } catch (error) {
      return { ok: false, message: `${sent === 0 ? 'Nothing' : 'Only the sell side'} was sent: the wallet did not sign (${(error as Error).message}).` };
    }
    const posted = await requestApi<{ status: string }>(base, { method: 'POST', body: { ...planned.body, signature } });
    if (!posted.ok) return { ok: false, message: `${sent === 0 ? 'Not sent' : 'Only the sell side was sent'}: ${posted.message}` };
    sent += 1;
  }
  return { ok: true, message: 'Signed and sent. The relay places both sides on-chain (it pays the gas); they apply once the chain has them.' };
}
