import { sql } from 'drizzle-orm';
import pino from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listOpenBatches, findBatch } from '../store/marketQueries/settlementBatches.ts';
import { openStore } from '../store/openStore.ts';
import { queryRows } from '../store/queryRows.ts';
import { anvilDevelopmentAccounts } from './chainAccounts.ts';
import { createChainClients } from './chainClients.ts';
import { settleBatchOnChain } from './settleBatchOnChain.ts';

test('chain down: the batch keeps its state, records the error and waits with backoff — never dropped', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await store.db.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by)
      VALUES ('feeder-1', 900, 1800, 150000, 150000, 2, 1, 500, 'relay-a')`);
    await store.db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro)
      VALUES ('feeder-1', 900, 1, ${'0x' + '0'.repeat(63) + '1'}, 'built', 150000, '0x00', ${'0x' + 'ab'.repeat(20) + '0000' + '000001f4'}, 1, 500, 75000)`);
    const [batch] = await listOpenBatches(store.db);
    assert.ok(batch);
    assert.is(batch.intervalEndS, 1800);
    const clients = createChainClients('http://127.0.0.1:1', 31337, anvilDevelopmentAccounts.relayKey);
    const result = await settleBatchOnChain({ db: store.db, clients, marketplace: `0x${'12'.repeat(20)}`, logger: pino({ level: 'silent' }) }, batch);
    assert.is(result.state, 'pending');
    const after = await findBatch(store.db, 'feeder-1', 900);
    assert.is(after?.state, 'built', 'nothing was sent, so nothing changes state');
    assert.is(after?.attempts, 1);
    const [row] = await queryRows<{ last_error: string | null; is_later: boolean }>(store.db, sql`SELECT last_error, next_attempt_at > now() AS is_later FROM settlement_batches`);
    assert.ok(row?.last_error, 'the error is recorded');
    assert.ok(row?.is_later, 'the next attempt waits');
    assert.is((await listOpenBatches(store.db)).length, 0, 'not due again before the backoff has passed');
  } finally {
    await store.close();
  }
});

test.run();
