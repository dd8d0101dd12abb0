/**
 * Which nonce an owner's next signed order must carry. `EnergyListing` takes an owner's nonces strictly in order
 * (OpenZeppelin `Nonces._useCheckedNonce`), so the relay accepts a nonce that is
 *  - not below the owner's on-chain nonce (`EnergyListing.nonces(owner)`, as the market room last read it, or one
 *    past the highest the relay itself got confirmed) — else it was used: a replay;
 *  - not held by another live submission (queued, sent) — else a replay or a race;
 *  - at most one past the highest live submission — else the chain could never reach it.
 * A failed submission frees its nonce, so "the next free nonce" may fill such a hole.
 */
import type { ListingChain } from '../store/marketQueries/listingChain.ts';
import { readListingNonce } from '../store/marketQueries/listingChain.ts';
import { listHeldNonces } from '../store/marketQueries/signedOrders.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { SignedOrderError } from './signedOrderError.ts';

/** An owner's nonces as the relay knows them. */
export interface OwnerNonceState {
  /** The first nonce not yet used on-chain. */
  onChainNonce: bigint;
  /** Nonces at or above `onChainNonce` held by live submissions, ascending. */
  pending: bigint[];
  /** The nonce to sign the next order with: the smallest free one from `onChainNonce` on. */
  nextNonce: bigint;
}

/** Reads the owner's nonce state from the store. */
export async function readOwnerNonceState(db: RelayDatabase, chain: ListingChain, owner: string): Promise<OwnerNonceState> {
  const read = await readListingNonce(db, chain, owner);
  const { held, highestConfirmed } = await listHeldNonces(db, chain, owner);
  const onChainNonce = highestConfirmed !== undefined && highestConfirmed + 1n > read ? highestConfirmed + 1n : read;
  const pending = held.filter((nonce) => nonce >= onChainNonce);
  let nextNonce = onChainNonce;
  for (const nonce of pending) if (nonce === nextNonce) nextNonce += 1n;
  return { onChainNonce, pending, nextNonce };
}

/**
 * Refuses a nonce the chain would never take after what is already queued.
 * @throws {SignedOrderError} `nonce_used`, `nonce_gap`.
 */
export function checkSignedOrderNonce(state: OwnerNonceState, nonce: bigint): void {
  if (nonce < state.onChainNonce) {
    throw new SignedOrderError('nonce_used', `nonce ${nonce} was already used on-chain (the owner's on-chain nonce is ${state.onChainNonce}); sign again with nonce ${state.nextNonce}`);
  }
  if (state.pending.includes(nonce)) {
    throw new SignedOrderError('nonce_used', `nonce ${nonce} is already taken by a submission waiting for the chain (a replay?); sign again with nonce ${state.nextNonce}`);
  }
  const highest = state.pending.at(-1);
  const limit = highest === undefined ? state.onChainNonce : highest + 1n;
  if (nonce > limit) {
    throw new SignedOrderError('nonce_gap', `nonce ${nonce} skips unused nonces: the chain takes an owner's nonces in order; sign again with nonce ${state.nextNonce}`);
  }
}
