/**
 * The two stores a store-level test suite runs on (STYLE "one suite, every transport"): PGlite in memory, and the
 * machine's PostgreSQL in a fresh schema that `cleanup` drops again.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openStore, type Store } from '../store/openStore.ts';
import { TEST_DATABASE_URL } from './testTransports.ts';

export interface TestStore {
  store: Store;
  cleanup(): Promise<void>;
}

export async function openPgliteTestStore(): Promise<TestStore> {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  return { store, cleanup: () => store.close() };
}

/** A store on a new schema named `${schemaPrefix}_<random>`; `cleanup` closes it and drops the schema. */
export async function openPostgresTestStore(schemaPrefix: string, maxConnections: number): Promise<TestStore> {
  const schemaName = `${schemaPrefix}_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ kind: 'postgres', url: TEST_DATABASE_URL, schema: schemaName, maxConnections });
  return {
    store,
    async cleanup() {
      await store.close();
      const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await admin.end({ timeout: 5 });
    },
  };
}
