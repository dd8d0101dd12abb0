/**
 * A small migrator: applies `relay/store/migrations/NNNN_name.sql` in name order, each once, inside one
 * transaction with the record of it in `pet_schema_migrations`. The same files run unchanged on PGlite and
 * PostgreSQL. A transaction-scoped advisory lock lets several relays start at once against one database.
 */
import { readdir, readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';

const migrationsDir = new URL('./migrations/', import.meta.url);

/** Advisory-lock key of the migrator (an arbitrary constant; "pet-migrate" in ASCII). */
const MIGRATION_LOCK_KEY = 0x7065746d;

/** Splits a migration file into statements. Our files hold no functions or quoted semicolons. */
function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** Applies every migration not yet applied; returns the names it applied. */
export async function migrate(db: RelayDatabase): Promise<string[]> {
  const names = (await readdir(migrationsDir)).filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name)).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS pet_schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await queryRows<{ name: string }>(tx as unknown as RelayDatabase, sql`SELECT name FROM pet_schema_migrations`)).map((row) => row.name));
    for (const name of names) {
      if (done.has(name)) continue;
      const text = await readFile(new URL(name, migrationsDir), 'utf8');
      for (const statement of splitStatements(text)) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO pet_schema_migrations (name) VALUES (${name})`);
      applied.push(name);
    }
  });
  return applied;
}
