import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { upsertStandingOrder } from '../store/marketQueries/standingOrders.ts';
import { openStore, type Store } from '../store/openStore.ts';
import { queryRows } from '../store/queryRows.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { TEST_DATABASE_URL } from '../test/testTransports.ts';
import { clearMarketInterval } from './clearMarketInterval.ts';
import { createZoneDirectory } from './zoneDirectory.ts';

const I = 900;
const T = 100 * 86_400 + 10 * 3600;
const params = parseTradingParameters({ PET_INTERVAL_SECONDS: String(I), PET_MINIMUM_TRADE_THRESHOLD_KWH: '0.05' });

async function seed(store: Store): Promise<void> {
  const meters = [
    { address: '0x' + '1'.repeat(40), owner: '0x' + 'a'.repeat(40), netWh: 800 },
    { address: '0x' + '2'.repeat(40), owner: '0x' + 'b'.repeat(40), netWh: -300 },
    { address: '0x' + '3'.repeat(40), owner: '0x' + 'c'.repeat(40), netWh: -400 },
  ];
  for (const m of meters) {
    await registerMeter(store.db, { address: m.address, zone: 'feeder-1', ownerAddress: m.owner, nameplateW: 6000 });
    await upsertStandingOrder(store.db, m.address, { participant: m.owner, sell: { kind: 'auto' }, buy: { kind: 'auto' }, nameplatePowerW: 6000 }, 'default');
    await store.db.execute(sql`INSERT INTO meter_intervals (meter, zone, start_s, end_s, import_wh, export_wh, seal_seq)
      VALUES (${m.address}, 'feeder-1', ${T - I}, ${T}, ${Math.max(0, -m.netWh)}, ${Math.max(0, m.netWh)}, 1)`);
  }
}

async function checkClearsOnce(store: Store): Promise<void> {
  await seed(store);
  const options = { zone: 'feeder-1', intervalStartS: T, intervalSeconds: I, params, relayId: 'relay-a' };
  const outcomes = await Promise.all([clearMarketInterval(store.db, options), clearMarketInterval(store.db, { ...options, relayId: 'relay-b' })]);
  const cleared = outcomes.filter((o) => o.status === 'cleared');
  assert.is(cleared.length, 1, 'exactly one of two concurrent clearings clears');
  const again = await clearMarketInterval(store.db, options);
  assert.is(again.status, 'already-cleared');
  const result = cleared[0]!.status === 'cleared' ? cleared[0]!.cleared : undefined;
  assert.ok(result);
  assert.is(result.orders.length, 3);
  assert.is(result.clearedWh, 700, 'the 800 Wh offer meets 300 + 400 Wh of bids');
  assert.is(result.trades.length, 2);
  assert.ok(result.trades.every((t) => t.sellerMeter === '0x' + '1'.repeat(40)));
  const [counts] = await queryRows<{ orders: unknown; trades: unknown; marks: unknown }>(
    store.db,
    sql`SELECT (SELECT count(*) FROM interval_orders) AS orders, (SELECT count(*) FROM market_trades) AS trades, (SELECT count(*) FROM market_intervals) AS marks`,
  );
  assert.equal([Number(counts!.orders), Number(counts!.trades), Number(counts!.marks)], [3, 2, 1], 'orders and trades persisted once');
}

test('PGlite: an interval is cleared once, orders and trades persisted with it', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await checkClearsOnce(store);
  } finally {
    await store.close();
  }
});

test('PostgreSQL: two relays clearing the same interval at once — the advisory lock lets one through', async () => {
  const schema = `pet_market_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ kind: 'postgres', url: TEST_DATABASE_URL, schema, maxConnections: 4 });
  try {
    await checkClearsOnce(store);
  } finally {
    await store.close();
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end({ timeout: 5 });
  }
});

test('a zone tree clears as one: local first, the remainder trades in the parent with its grid fee, every zone marked once', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const zones = createZoneDirectory([{ id: 'sub', level: 'substation', children: [{ id: 'f1', level: 'feeder' }, { id: 'f2', level: 'feeder' }] }]);
    const meters = [
      { address: '0x' + '1'.repeat(40), owner: '0x' + 'a'.repeat(40), zone: 'f1', netWh: 800 },
      { address: '0x' + '4'.repeat(40), owner: '0x' + 'd'.repeat(40), zone: 'f1', netWh: -200 },
      { address: '0x' + '2'.repeat(40), owner: '0x' + 'b'.repeat(40), zone: 'f2', netWh: -300 },
    ];
    for (const m of meters) {
      await registerMeter(store.db, { address: m.address, zone: m.zone, ownerAddress: m.owner, nameplateW: 6000 });
      await upsertStandingOrder(store.db, m.address, { participant: m.owner, sell: { kind: 'limit', priceMicroPerKWh: 60_000 }, buy: { kind: 'limit', priceMicroPerKWh: 290_000 }, nameplatePowerW: 6000 }, 'api');
      await store.db.execute(sql`INSERT INTO meter_intervals (meter, zone, start_s, end_s, import_wh, export_wh, seal_seq)
        VALUES (${m.address}, ${m.zone}, ${T - I}, ${T}, ${Math.max(0, -m.netWh)}, ${Math.max(0, m.netWh)}, 1)`);
    }
    const outcome = await clearMarketInterval(store.db, { zone: 'f2', intervalStartS: T, intervalSeconds: I, params, relayId: 'relay-a', zones });
    assert.is(outcome.status, 'cleared');
    if (outcome.status !== 'cleared') return;
    assert.equal(outcome.tree.map((z) => z.zone), ['f1', 'f2', 'sub'], 'children before the parent');
    assert.is(outcome.cleared.zone, 'f2');
    const [f1, f2, sub] = outcome.tree;
    assert.equal(f1!.trades.map((t) => [t.energyWh, t.sellerClimb, t.buyerClimb, t.sellerFeeMicroPerKWh]), [[200, 0, 0, 0]], 'f1 matches its own buyer first, without a fee');
    assert.is(f2!.trades.length, 0);
    const fee = params.gridFeeMicroPerKWh.substation;
    assert.equal(sub!.trades.map((t) => [t.sellerMeter, t.buyerMeter, t.energyWh, t.sellerClimb, t.buyerClimb, t.sellerFeeMicroPerKWh, t.buyerFeeMicroPerKWh]),
      [[meters[0]!.address, meters[2]!.address, 300, 1, 1, fee, fee]], 'the rest of the offer meets f2\'s bid at the substation, each side paying the substation fee');
    const price = sub!.clearingPriceMicroPerKWh!;
    assert.ok(60_000 + fee <= price && price <= 290_000 - fee, 'each side keeps its own limit after its fee');
    const rows = await queryRows<{ zone: string; root_zone: string; trade_count: number }>(store.db, sql`SELECT zone, root_zone, trade_count FROM market_intervals ORDER BY zone`);
    assert.equal(rows.map((r) => [r.zone, r.root_zone, Number(r.trade_count)]), [['f1', 'sub', 1], ['f2', 'sub', 0], ['sub', 'sub', 1]]);
    const stored = await queryRows<{ zone: string; seller_climb: number; buyer_fee_micro_per_kwh: unknown }>(store.db, sql`SELECT zone, seller_climb, buyer_fee_micro_per_kwh FROM market_trades ORDER BY zone`);
    assert.equal(stored.map((r) => [r.zone, Number(r.seller_climb), Number(r.buyer_fee_micro_per_kwh)]), [['f1', 0, 0], ['sub', 1, fee]]);
    const again = await clearMarketInterval(store.db, { zone: 'f1', intervalStartS: T, intervalSeconds: I, params, relayId: 'relay-b', zones });
    assert.is(again.status, 'already-cleared', 'any zone of a cleared tree reports the tree cleared');
    const flatFirst = await clearMarketInterval(store.db, { zone: 'f2', intervalStartS: T + I, intervalSeconds: I, params, relayId: 'relay-flat' });
    assert.is(flatFirst.status, 'cleared', 'without the tree, f2 clears on its own');
    const treeAfter = await clearMarketInterval(store.db, { zone: 'sub', intervalStartS: T + I, intervalSeconds: I, params, relayId: 'relay-tree', zones });
    assert.is(treeAfter.status, 'already-cleared', 'a tree whose zone was cleared flat (a changed PET_ZONE_TREE) does not clear it twice');
  } finally {
    await store.close();
  }
});

test.run();
