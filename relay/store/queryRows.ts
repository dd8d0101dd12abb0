/**
 * Runs a raw SQL query through drizzle and returns its rows on either driver: postgres.js answers with an array
 * of rows, PGlite with `{ rows }`.
 */
import type { SQL } from 'drizzle-orm';
import type { RelayDatabase } from './relayDatabase.ts';

export async function queryRows<Row extends Record<string, unknown>>(db: RelayDatabase, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}
