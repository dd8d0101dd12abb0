/**
 * Indexing cursors (`chain_cursors`): the next block to read per chain and contract.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** The next block to index (0 when never indexed). */
export async function readChainCursor(db: RelayDatabase, chainId: number, contract: string): Promise<bigint> {
  const rows = await queryRows<{ next_block: unknown }>(db, sql`SELECT next_block FROM chain_cursors WHERE chain_id = ${chainId} AND contract = ${contract.toLowerCase()}`);
  return rows[0] === undefined ? 0n : BigInt(String(rows[0].next_block));
}

/** Moves the cursor to `nextBlock`. */
export async function writeChainCursor(db: RelayDatabase, chainId: number, contract: string, nextBlock: bigint): Promise<void> {
  await db.execute(sql`INSERT INTO chain_cursors (chain_id, contract, next_block) VALUES (${chainId}, ${contract.toLowerCase()}, ${nextBlock.toString()})
    ON CONFLICT (chain_id, contract) DO UPDATE SET next_block = excluded.next_block, updated_at = now()`);
}
