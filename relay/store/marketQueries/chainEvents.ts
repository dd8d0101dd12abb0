/**
 * Chain events indexed back (`chain_events`), from settlement receipts.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

export interface IndexedChainEvent {
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  contract: string;
  eventName: string;
  args: Record<string, unknown>;
}

const json = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

/** Stores events; an event already stored (same tx and log index) is skipped. */
export async function insertChainEvents(db: RelayDatabase, events: readonly IndexedChainEvent[]): Promise<void> {
  for (const e of events) {
    await db.execute(sql`INSERT INTO chain_events (tx_hash, log_index, block_number, contract, event_name, args_json)
      VALUES (${e.txHash}, ${e.logIndex}, ${e.blockNumber.toString()}, ${e.contract.toLowerCase()}, ${e.eventName}, ${json(e.args)}) ON CONFLICT DO NOTHING`);
  }
}

/** Indexed events by name. */
export async function listChainEvents(db: RelayDatabase, eventName: string): Promise<{ txHash: string; args: Record<string, string> }[]> {
  const rows = await queryRows<{ tx_hash: string; args_json: string }>(db, sql`SELECT tx_hash, args_json FROM chain_events WHERE event_name = ${eventName} ORDER BY block_number, log_index`);
  return rows.map((row) => ({ txHash: row.tx_hash, args: JSON.parse(row.args_json) }));
}
