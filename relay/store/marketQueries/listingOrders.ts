/**
 * An owner's orders on `EnergyListing` as indexed back into `chain_events` (`OrderPlaced`, `OrderCancelled`), for
 * checking a signed cancel and for showing the owner what it can cancel.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** One order as `EnergyListing` placed it (the fields of `OrderPlaced`). */
export interface ListingOrder {
  orderId: bigint;
  owner: string;
  zone: bigint;
  side: number;
  maxWhPerInterval: number;
  limitPricePerKWh: bigint;
  validFromS: number;
  validUntilS: number;
}

/** One placed order, and whether it was cancelled since. */
export interface IndexedListingOrder extends ListingOrder {
  isCancelled: boolean;
}

/** The owner's placed orders on `listing`, oldest first, each with whether it was cancelled. */
export async function listOwnerListingOrders(db: RelayDatabase, listing: string, owner: string): Promise<IndexedListingOrder[]> {
  const rows = await queryRows<{ event_name: string; args_json: string }>(
    db,
    sql`SELECT event_name, args_json FROM chain_events
        WHERE contract = ${listing.toLowerCase()} AND event_name IN ('OrderPlaced', 'OrderCancelled') AND lower(args_json::jsonb ->> 'owner') = ${owner.toLowerCase()}
        ORDER BY block_number, log_index`,
  );
  const byId = new Map<bigint, IndexedListingOrder>();
  for (const row of rows) {
    const args = JSON.parse(row.args_json) as Record<string, string | number>;
    const orderId = BigInt(String(args.orderId));
    if (row.event_name === 'OrderCancelled') {
      const placed = byId.get(orderId);
      if (placed !== undefined) placed.isCancelled = true;
      continue;
    }
    byId.set(orderId, {
      orderId,
      owner: String(args.owner).toLowerCase(),
      zone: BigInt(String(args.zone)),
      side: Number(args.side),
      maxWhPerInterval: Number(args.maxWhPerInterval),
      limitPricePerKWh: BigInt(String(args.limitPricePerKWh)),
      validFromS: Number(args.validFromS),
      validUntilS: Number(args.validUntilS),
      isCancelled: false,
    });
  }
  return [...byId.values()];
}
