/**
 * Which of the tables the privacy room knows about exist in this database. Export and erasure cover the market
 * and settlement tables only where their migrations have run (`to_regclass` resolves through `search_path`, so a
 * deployment's schema is honoured).
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';

/** The subset of `names` that exist as tables or views. */
export async function presentTables(db: RelayDatabase, names: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (const name of names) {
    const rows = await queryRows<{ present: boolean }>(db, sql`SELECT to_regclass(${name}) IS NOT NULL AS present`);
    if (rows[0]?.present === true) present.add(name);
  }
  return present;
}
