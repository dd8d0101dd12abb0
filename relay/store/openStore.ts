/**
 * Opens the relay's database — PostgreSQL through postgres.js when `DATABASE_URL` is set, otherwise PGlite in
 * `PET_DATA_DIR` — runs the migrations, and returns the {@link Store} every room uses.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { ConfigError } from '../config/configError.ts';
import type { DatabaseConfig } from '../config/relayConfig.ts';
import { migrate } from './migrate.ts';
import type { RelayDatabase } from './relayDatabase.ts';
import * as schema from './schema.ts';

export interface Store {
  /** Drizzle database typed by `relay/store/schema.ts`; read queries live in `relay/store/queries/`. */
  db: RelayDatabase;
  kind: DatabaseConfig['kind'];
  /** Closes the connections (PostgreSQL) or the WASM instance (PGlite). */
  close(): Promise<void>;
}

async function openPostgres(config: Extract<DatabaseConfig, { kind: 'postgres' }>): Promise<Store> {
  const options = { max: config.maxConnections, connect_timeout: 5, onnotice: () => {} } as const;
  if (config.schema !== undefined) {
    const admin = postgres(config.url, { ...options, max: 1 });
    try {
      await admin.unsafe(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    } catch (error) {
      await admin.end({ timeout: 1 }).catch(() => {});
      throw unreachable(config.url, error);
    }
    await admin.end({ timeout: 5 });
  }
  const client = postgres(config.url, config.schema === undefined ? options : { ...options, connection: { search_path: config.schema } });
  try {
    await client`SELECT 1`;
  } catch (error) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw unreachable(config.url, error);
  }
  return { db: drizzlePostgres(client, { schema }) as unknown as RelayDatabase, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

function unreachable(url: string, error: unknown): ConfigError {
  const { hostname, port, pathname } = new URL(url);
  const detail = (error as { code?: string; message?: string }).code ?? (error as Error).message;
  return new ConfigError('database_unreachable', 'DATABASE_URL', `cannot reach PostgreSQL at ${hostname}:${port || 5432}${pathname} (${detail})`, { cause: error });
}

async function openPglite(config: Extract<DatabaseConfig, { kind: 'pglite' }>): Promise<Store> {
  const isInMemory = config.dataDir.startsWith('memory://');
  let client: PGlite;
  try {
    if (!isInMemory) await mkdir(config.dataDir, { recursive: true });
    client = await PGlite.create(isInMemory ? undefined : config.dataDir);
  } catch (error) {
    throw new ConfigError('database_unreachable', 'PET_DATA_DIR', `cannot open PGlite data in ${config.dataDir} (${(error as Error).message})`, { cause: error });
  }
  return { db: drizzlePglite(client, { schema }) as unknown as RelayDatabase, kind: 'pglite', close: () => client.close() };
}

/**
 * Opens the configured database and brings its schema up to date.
 *
 * @throws {ConfigError} `database_unreachable` naming `DATABASE_URL` or `PET_DATA_DIR`.
 * @example
 * const store = await openStore(config.database);
 * const rows = await store.db.select().from(samples).limit(10);
 */
export async function openStore(config: DatabaseConfig): Promise<Store> {
  const store = config.kind === 'postgres' ? await openPostgres(config) : await openPglite(config);
  try {
    await migrate(store.db);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
