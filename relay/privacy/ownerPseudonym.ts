/**
 * Pseudonyms of owner accounts (GDPR art. 4(5)): HMAC-SHA256 of the lower-case owner address under the data
 * key's pseudonym subkey. Without the key nobody can link the pseudonym back, not even by hashing every known
 * address; with the key and an address (e.g. an owner who signs in again, or an auditor with a court order) the
 * link can be checked. Kept settlement records carry the pseudonym instead of the address after an erasure.
 */
import { createHmac } from 'node:crypto';
import type { DataKey, DataKeyring } from './dataKeyring.ts';

/** The pseudonym of `ownerAddress` under `key`: `p` + 64 hex digits. */
export function ownerPseudonym(key: DataKey, ownerAddress: string): string {
  return 'p' + createHmac('sha256', key.pseudonymKey).update(`pet-owner|${ownerAddress.toLowerCase()}`).digest('hex');
}

/** The pseudonyms of `ownerAddress` under every key of the ring (to find records written before a rotation). */
export function ownerPseudonyms(keyring: DataKeyring, ownerAddress: string): string[] {
  return [...keyring.byId.values()].map((key) => ownerPseudonym(key, ownerAddress));
}
