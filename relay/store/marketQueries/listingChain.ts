/**
 * Which `EnergyListing` takes signed orders (`listing_chain`), and owners' nonces on it as last read from the chain
 * (`listing_nonces`). The market room writes both when it talks to the chain; the web room reads them, so it checks
 * a signature's domain and nonce without a chain connection of its own.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** The chain and contract signed orders are checked against (the EIP-712 domain's `chainId`, `verifyingContract`). */
export interface ListingChain {
  chainId: number;
  /** Lower-case 0x address of the `EnergyListing`. */
  listing: `0x${string}`;
}

/** Records the listing this relay's market room submits to; replaces the one announced before. */
export async function announceListingChain(db: RelayDatabase, chain: ListingChain): Promise<void> {
  await db.execute(sql`INSERT INTO listing_chain (is_current, chain_id, listing) VALUES (true, ${chain.chainId}, ${chain.listing.toLowerCase()})
    ON CONFLICT (is_current) DO UPDATE SET chain_id = excluded.chain_id, listing = excluded.listing, updated_at = now()`);
}

/** The announced listing, or undefined while no market room has opened a chain. */
export async function readListingChain(db: RelayDatabase): Promise<ListingChain | undefined> {
  const [row] = await queryRows<{ chain_id: unknown; listing: string }>(db, sql`SELECT chain_id, listing FROM listing_chain WHERE is_current`);
  return row === undefined ? undefined : { chainId: Number(row.chain_id), listing: row.listing as `0x${string}` };
}

/** Stores `EnergyListing.nonces(owner)` as read; a nonce only goes up, so an older, smaller read never wins. */
export async function recordListingNonce(db: RelayDatabase, chain: ListingChain, owner: string, nonce: bigint): Promise<void> {
  await db.execute(sql`INSERT INTO listing_nonces (chain_id, listing, owner, nonce) VALUES (${chain.chainId}, ${chain.listing.toLowerCase()}, ${owner.toLowerCase()}, ${nonce.toString()})
    ON CONFLICT (chain_id, listing, owner) DO UPDATE SET nonce = GREATEST(listing_nonces.nonce, excluded.nonce), read_at = now()`);
}

/** The owner's nonce as last read from the chain; 0 when never read (a new owner has used none). */
export async function readListingNonce(db: RelayDatabase, chain: ListingChain, owner: string): Promise<bigint> {
  const [row] = await queryRows<{ nonce: unknown }>(
    db,
    sql`SELECT nonce FROM listing_nonces WHERE chain_id = ${chain.chainId} AND listing = ${chain.listing.toLowerCase()} AND owner = ${owner.toLowerCase()}`,
  );
  return row === undefined ? 0n : BigInt(String(row.nonce));
}
