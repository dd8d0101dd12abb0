import { sql } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';

/** Round-trips `SELECT 1`; resolves when the database answers, rejects otherwise. */
export async function pingDatabase(db: RelayDatabase): Promise<void> {
  await db.execute(sql`SELECT 1`);
}
