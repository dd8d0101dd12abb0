import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../store/openStore.ts';
import { registerDatabaseGauges } from './databaseGauges.ts';

test('database gauges: meters online in the window, settlement backlog, market and chain progress', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pet-gauges-'));
  const store = await openStore({ kind: 'pglite', dataDir });
  try {
    const db = store.db;
    await db.execute(sql`INSERT INTO meters (address, zone) VALUES ('0xa', 'z'), ('0xb', 'z'), ('0xc', 'z')`);
    await db.execute(sql`INSERT INTO chain_heads (meter, last_seq, last_digest, contiguous_seq, updated_at) VALUES
      ('0xa', 1, 'd', 1, now()), ('0xb', 1, 'd', 1, now() - interval '10 seconds'), ('0xc', 1, 'd', 1, now() - interval '1 hour')`);
    const nowS = Math.floor(Date.now() / 1000);
    await db.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by)
      VALUES ('z', 900, 1800, 1, 0, 0, 0, 'r1'), ('z', 1800, 2700, 1, 0, 0, 0, 'r1')`);
    for (const [startS, state, block] of [[nowS - 600, 'sent', null], [nowS - 60, 'built', null], [900, 'confirmed', 42], [1800, 'confirmed', 57]] as const) {
      await db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro, block_number)
        VALUES ('z', ${startS}, 1, ${'k' + startS}, ${state}, 1, '0x', '0x', 0, 0, 0, ${block})`);
    }
    const registry = new Registry();
    registerDatabaseGauges(registry, db, { onlineWindowS: 60, cacheMs: 0 });
    registerDatabaseGauges(registry, db);
    const text = await registry.metrics();
    assert.match(text, /^pet_relay_meters_online 2$/m);
    assert.match(text, /^pet_relay_meters_registered 3$/m);
    assert.match(text, /^pet_relay_settlements_pending 2$/m);
    assert.match(text, /^pet_relay_settlement_batches\{state="confirmed"\} 2$/m);
    assert.match(text, /^pet_relay_chain_last_confirmed_block 57$/m);
    assert.match(text, /^pet_relay_market_last_cleared_interval_start_seconds 1800$/m);
    const age = Number(/^pet_relay_settlement_oldest_pending_age_seconds (\d+)$/m.exec(text)?.[1]);
    assert.ok(age >= 600 && age < 3600, `oldest pending age ${age}`);
    await store.close();
    await registry.metrics(); // the failure is counted during this scrape and shows from the next one
    const afterClose = await registry.metrics();
    assert.match(afterClose, /^pet_relay_database_gauge_failures_total [1-9]/m, 'a failed read is counted, not thrown');
    assert.match(afterClose, /^pet_relay_meters_online 2$/m, 'previous values kept');
  } finally {
    await store.close().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
});

test.run();
