/**
 * How a household sees the other side of its trades: never the neighbour's address or meter, only a pseudonym.
 * With the relay's data key (`PET_DATA_KEY`) the pseudonym is `h-` + 12 hex digits of HMAC-SHA256 under the key's
 * pseudonym subkey, over a label distinct from the owner pseudonyms of erased records (`relay/privacy/ownerPseudonym.ts`),
 * so the two cannot be matched. The same neighbour gets the same pseudonym in every trade (a household can see it
 * trades with one neighbour often) but nobody without the key can link it to an address. Without a data key every
 * counterparty is shown as `neighbour`: anonymous rather than pseudonymous.
 */
import { createHmac } from 'node:crypto';
import type { DataKeyring } from '../../privacy/dataKeyring.ts';

/** What a counterparty is shown as when the relay has no data key. */
export const ANONYMOUS_COUNTERPARTY = 'neighbour';

/** The pseudonym shown for `participant` (an owner address). */
export function counterpartyPseudonym(keyring: DataKeyring | undefined, participant: string): string {
  if (keyring === undefined) return ANONYMOUS_COUNTERPARTY;
  return 'h-' + createHmac('sha256', keyring.current.pseudonymKey).update(`pet-counterparty|${participant.toLowerCase()}`).digest('hex').slice(0, 12);
}

/** The parties of a trade as stored. */
export interface TradeParties {
  seller: string;
  buyer: string;
  sellerMeter?: string | undefined;
  buyerMeter?: string | undefined;
}

/** A trade's parties as the household sees them: its own side named by its meter, the other side by pseudonym. */
export interface HouseholdParties {
  side: 'sell' | 'buy';
  seller: string;
  buyer: string;
  counterparty: string;
}

/**
 * Rewrites a trade's parties for the household behind `meter` (owned by `ownerAddress`). Its side is found from the
 * meter when the record names meters, else from the owner address.
 * @example householdParties(trade, { meter: '0x…', ownerAddress: '0x…', keyring }) // { side: 'sell', seller: '0x…meter', buyer: 'h-3f…', … }
 */
export function householdParties(trade: TradeParties, reader: { meter: string; ownerAddress: string; keyring: DataKeyring | undefined }): HouseholdParties {
  const isSeller =
    trade.sellerMeter !== undefined && trade.buyerMeter !== undefined
      ? trade.sellerMeter.toLowerCase() === reader.meter
      : trade.seller.toLowerCase() === reader.ownerAddress;
  const counterparty = counterpartyPseudonym(reader.keyring, isSeller ? trade.buyer : trade.seller);
  return isSeller
    ? { side: 'sell', seller: reader.meter, buyer: counterparty, counterparty }
    : { side: 'buy', seller: counterparty, buyer: reader.meter, counterparty };
}
