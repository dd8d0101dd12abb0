/**
 * The drizzle schema (`schema.ts`) and the SQL migrations must describe the same tables: for every table, on
 * PGlite and on PostgreSQL, the columns (name, type, nullability), primary key and named indexes agree, and a row
 * with a value in every column comes back unchanged through drizzle. Also pins the delivery columns the API and
 * dashboard read (`abandoned_gaps`, `chain_gaps.closed_at`, `meter_status.held_from_seq`).
 */
import { sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openPgliteTestStore, openPostgresTestStore, type TestStore } from '../test/testStores.ts';
import { queryRows } from './queryRows.ts';
import * as schema from './schema.ts';

const sqlTypeOf: Record<string, string> = {
  PgText: 'text',
  PgBigInt53: 'bigint',
  PgBigSerial53: 'bigint',
  PgInteger: 'integer',
  PgSmallInt: 'smallint',
  PgBoolean: 'boolean',
  PgTimestamp: 'timestamp with time zone',
};

const tables = Object.entries(schema).map(([name, table]) => ({ name, table: table as PgTable, config: getTableConfig(table as PgTable) }));

/** A value for `column` that differs from its default and from the other columns' values. */
function sampleValue(column: PgColumn, index: number): unknown {
  switch (column.columnType) {
    case 'PgText':
      return `v${index}-${column.name}`;
    case 'PgBigInt53':
    case 'PgBigSerial53':
      return 2 ** 40 + index; // above 2^32: a bigint column, read back exactly
    case 'PgInteger':
      return 100_000 + index;
    case 'PgSmallInt':
      return 900 + index;
    case 'PgBoolean':
      return index % 2 === 0 ? false : !column.hasDefault;
    case 'PgTimestamp':
      return new Date(Date.UTC(2026, 0, 2, 3, 4, 5, index));
    default:
      throw new Error(`no sample value for column type ${column.columnType} (${column.name})`);
  }
}

function defineSchemaSuite(name: string, open: () => Promise<TestStore>): void {
  const test = suite<TestStore>(`schema on ${name}`);
  test.before(async (context) => {
    Object.assign(context, await open());
  });
  test.after(async (context) => context.cleanup?.());

  test('every table of schema.ts exists with the same columns, types, nullability, primary key and indexes', async ({ store }) => {
    for (const { config } of tables) {
      const columns = await queryRows<{ column_name: string; data_type: string; is_nullable: string }>(
        store.db,
        sql`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${config.name}`,
      );
      const actual = columns.map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`).sort();
      const expected = config.columns.map((c) => `${c.name} ${sqlTypeOf[c.columnType]}${c.notNull ? ' not null' : ''}`).sort();
      assert.equal(actual, expected, `columns of ${config.name}`);

      const keyColumns = await queryRows<{ column_name: string }>(
        store.db,
        sql`SELECT a.attname AS column_name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass(${config.name}) AND i.indisprimary`,
      );
      const expectedKey = [...config.columns.filter((c) => c.primary).map((c) => c.name), ...config.primaryKeys.flatMap((key) => key.columns.map((c) => c.name))];
      assert.equal(keyColumns.map((c) => c.column_name).sort(), expectedKey.sort(), `primary key of ${config.name}`);

      const indexes = await queryRows<{ indexname: string }>(store.db, sql`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ${config.name}`);
      const present = new Set(indexes.map((row) => row.indexname));
      for (const index of config.indexes) assert.ok(present.has(index.config.name!), `index ${index.config.name} on ${config.name}`);
      for (const constraint of config.uniqueConstraints) assert.ok(present.has(constraint.name!), `unique ${constraint.name} on ${config.name}`);
    }
  });

  test('a row with a value in every column round-trips through every table', async ({ store }) => {
    for (const { table, config } of tables) {
      const row: Record<string, unknown> = {};
      const keys = Object.entries(table as unknown as Record<string, PgColumn>).filter(([, column]) => config.columns.includes(column));
      keys.forEach(([key, column], index) => (row[key] = sampleValue(column, index)));
      await store.db.insert(table).values(row);
      const back = (await store.db.select().from(table)) as Record<string, unknown>[];
      assert.equal(back.find((candidate) => keys.every(([key]) => JSON.stringify(candidate[key]) === JSON.stringify(row[key]))), row, `round trip through ${config.name}`);
    }
  });

  test('delivery columns: defaults of a new gap, abandoned gaps, and a status without heldFromSeq', async ({ store }) => {
    await store.db.insert(schema.chainGaps).values({ meter: '0xdefaults', fromSeq: 3, toSeq: 9 });
    const [gap] = await store.db.select().from(schema.chainGaps).where(sql`meter = '0xdefaults'`);
    assert.is(gap!.closedAt, null);
    assert.is(gap!.resendRequests, 0);
    assert.is(gap!.lastResendAt, null);
    assert.instance(gap!.detectedAt, Date);
    await store.db.insert(schema.abandonedGaps).values({ meter: '0xdefaults', fromSeq: 3, toSeq: 9, reason: 'meter_queue_overflow' });
    await store.db.insert(schema.abandonedGaps).values({ meter: '0xdefaults', fromSeq: 3, toSeq: 9, reason: 'meter_queue_overflow' }).onConflictDoNothing();
    const abandoned = await store.db.select().from(schema.abandonedGaps).where(sql`meter = '0xdefaults'`);
    assert.is(abandoned.length, 1, 'one row per (meter, from_seq)');
    assert.instance(abandoned[0]!.recordedAt, Date);
    await store.db.insert(schema.meterStatus).values({ meter: '0xdefaults', state: 'online', seq: 1, queued: 0, dropped: 0, uptimeS: 5 });
    const [status] = await store.db.select().from(schema.meterStatus).where(sql`meter = '0xdefaults'`);
    assert.is(status!.heldFromSeq, null);
  });

  test.run();
}

defineSchemaSuite('PGlite', openPgliteTestStore);

defineSchemaSuite('PostgreSQL', () => openPostgresTestStore('pet_schema_test', 2));
