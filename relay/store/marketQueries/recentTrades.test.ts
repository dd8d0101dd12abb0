import { sql } from 'drizzle-orm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../openStore.ts';
import { listRecentTrades } from './recentTrades.ts';

test('trades show matched energy until delivery, then what was paid, with the batch state and transaction', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const insertTrade = (startS: number, index: number, deliveredWh: number | null, paidMicro: string | null) =>
      store.db.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro, delivered_wh, paid_micro)
        VALUES ('feeder-1', ${startS}, ${index}, 's', 'b', '0xs', '0xms', '0xb', '0xmb', 500, 150000, 75000, ${deliveredWh}, ${paidMicro})`);
    await insertTrade(900, 0, 400, '60000');
    await insertTrade(1800, 0, null, null);
    await store.db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro, tx_hash)
      VALUES ('feeder-1', 900, 1, '0x01', 'confirmed', 150000, '0x', '0x', 1, 400, 60000, '0xabc')`);
    const trades = await listRecentTrades(store.db, { zone: 'feeder-1' });
    assert.equal(trades.map((t) => [t.intervalStartS, t.status, t.energyWh, t.amountMicro, t.txHash]), [
      [1800, 'matched', 500, '75000', null],
      [900, 'confirmed', 400, '60000', '0xabc'],
    ]);
    assert.is((await listRecentTrades(store.db, { meter: '0xMB' })).length, 2, 'a meter sees trades on either side');
    assert.is((await listRecentTrades(store.db, { zone: 'other' })).length, 0);
  } finally {
    await store.close();
  }
});

test.run();
