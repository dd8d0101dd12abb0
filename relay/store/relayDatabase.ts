/**
 * The drizzle database type the relay's store code is written against: the PostgreSQL dialect, typed by the
 * relay schema, whichever driver (PGlite or postgres.js) sits underneath.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

export type RelaySchema = typeof schema;

/** Drizzle database over the relay schema; read queries in `relay/store/queries/` take this. */
export type RelayDatabase = PgDatabase<PgQueryResultHKT, RelaySchema>;
