/**
 * The market's HTTP routes on real parts: a PGlite store, an interval cleared by the market room's own
 * `clearMarketInterval` from standing orders and metered history, notifications written by `notifyCleared`, and
 * viem accounts signing in like wallets. Checks what each reader may see: the public zone figures only in zones of
 * ≥ 5 meters and without households, a household's own trades with pseudonymous counterparties, standing orders
 * read and set only by the owner.
 */
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { clearMarketInterval } from '../../relay/market/clearMarketInterval.ts';
import type { MarketPublisher } from '../../relay/notify/marketPublisher.ts';
import { notifyCleared } from '../../relay/notify/notifyHouseholds.ts';
import { createDataKeyring } from '../../relay/privacy/dataKeyring.ts';
import { upsertStandingOrder } from '../../relay/store/marketQueries/standingOrders.ts';
import { registerMeter } from '../../relay/store/queries/registerMeter.ts';
import { createApp } from '../../relay/web/createApp.ts';
import type { ApiApp } from '../../relay/web/openApiHono.ts';
import { bearer, meterAddress, openWebFixture, OPERATOR_TOKEN, ownerAccount, signInThroughApi, strangerAccount, type WebFixture } from './webFixture.ts';

const I = 900;
/** The cleared interval: 2026-01-01T10:00Z. */
const T = 1_767_225_600 + 10 * 3_600;
const params = parseTradingParameters({ PET_INTERVAL_SECONDS: String(I), PET_MINIMUM_TRADE_THRESHOLD_KWH: '0.05' });

const SELLER = meterAddress(1); // owned by ownerAccount
const BUYER_A = meterAddress(2); // owned by strangerAccount
const BUYER_B = meterAddress(3);
const NO_NAMEPLATE = meterAddress(20); // owned by ownerAccount, registered without nameplate, no standing order
const owner = ownerAccount.address.toLowerCase();
const stranger = strangerAccount.address.toLowerCase();

/** Zone `north`: 6 meters; meter 1 sells 800 Wh to meters 2 (300 Wh) and 3 (400 Wh). Zone `tiny`: 3 meters. */
async function seedMarket(fixture: WebFixture): Promise<void> {
  const db = fixture.store.db;
  const north = [
    { address: SELLER, ownerAddress: owner, netWh: 800 },
    { address: BUYER_A, ownerAddress: stranger, netWh: -300 },
    { address: BUYER_B, ownerAddress: meterAddress(103), netWh: -400 },
    ...[4, 5, 6].map((n) => ({ address: meterAddress(n), ownerAddress: meterAddress(100 + n), netWh: 0 })),
  ];
  for (const m of north) {
    await registerMeter(db, { address: m.address, zone: 'north', ownerAddress: m.ownerAddress, nameplateW: 6_000 });
    await upsertStandingOrder(db, m.address, { participant: m.ownerAddress, sell: { kind: 'auto' }, buy: { kind: 'auto' }, nameplatePowerW: 6_000 }, 'default');
    await db.execute(sql`INSERT INTO meter_intervals (meter, zone, start_s, end_s, import_wh, export_wh, seal_seq)
      VALUES (${m.address}, 'north', ${T - I}, ${T}, ${Math.max(0, -m.netWh)}, ${Math.max(0, m.netWh)}, 1)`);
  }
  await registerMeter(db, { address: NO_NAMEPLATE, zone: 'north-annex', ownerAddress: owner });
  for (const n of [7, 8, 9]) await registerMeter(db, { address: meterAddress(n), zone: 'tiny', ownerAddress: meterAddress(100 + n), nameplateW: 3_000 });

  const outcome = await clearMarketInterval(db, { zone: 'north', intervalStartS: T, intervalSeconds: I, params, relayId: 'relay-test' });
  if (outcome.status !== 'cleared') throw new Error(`expected the seeded interval to clear, got ${outcome.status}`);
  const silent: MarketPublisher = { toZone() {}, toMeter() {}, async close() {} };
  await notifyCleared(db, silent, outcome.cleared);
}

interface Context {
  fixture: WebFixture;
  app: ApiApp;
  ownerToken: string;
  strangerToken: string;
}

const market = suite<Context>('market HTTP API');

market.before(async (context) => {
  context.fixture = await openWebFixture();
  await seedMarket(context.fixture);
  // The fixture's app without a data key; this one has one, so that counterparties get pseudonyms.
  context.app = createApp({
    db: context.fixture.store.db,
    signIn: context.fixture.signIn,
    metrics: context.fixture.metrics.registry,
    operatorToken: OPERATOR_TOKEN,
    readinessChecks: [],
    logger: pino({ level: 'silent' }),
    now: () => context.fixture.clock.nowMs,
    dataKeyring: createDataKeyring([new Uint8Array(32).fill(7)]),
  });
  context.ownerToken = await signInThroughApi(context.app, ownerAccount);
  context.strangerToken = await signInThroughApi(context.app, strangerAccount);
});
market.after(async ({ fixture }) => fixture.close());

async function expectError(response: Response, status: number, code: string): Promise<void> {
  assert.is(response.status, status, `status of ${response.url}`);
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.is(body.error.code, code);
  assert.ok(body.error.message.length > 10, 'message says what was expected');
}

function put(body: unknown, token?: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return { method: 'PUT', headers, body: JSON.stringify(body) };
}

const range = `from=${T - 3_600}&to=${T + 3_600}`;

market('every market route is in /openapi.json', async ({ app }) => {
  const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, method] of [
    ['/api/v1/zones/{zone}/intervals', 'get'],
    ['/api/v1/zones/{zone}/trades', 'get'],
    ['/api/v1/meters/{address}/trades', 'get'],
    ['/api/v1/meters/{address}/standing-order', 'get'],
    ['/api/v1/meters/{address}/standing-order', 'put'],
    ['/api/v1/meters/{address}/notifications', 'get'],
  ] as const) {
    assert.ok(document.paths[path]?.[method] !== undefined, `${method.toUpperCase()} ${path} is documented`);
  }
});

market('zone intervals: price, volume, trade count and book depth, to anyone, without participants', async ({ app }) => {
  const response = await app.request(`/api/v1/zones/north/intervals?${range}`);
  assert.is(response.status, 200);
  const text = await response.text();
  assert.not.match(text, /0x[0-9a-f]{40}/i, 'no address in the zone’s intervals');
  const body = JSON.parse(text) as { zone: string; intervals: { startS: number; endS: number; clearingPriceMicroPerKWh: number | null; tradedWh: number; tradeCount: number; orderCount: number; orders: { side: string; energyWh: number; limitPriceMicroPerKWh: number; orderCount: number }[] }[] };
  assert.is(body.intervals.length, 1);
  const [interval] = body.intervals;
  assert.equal([interval!.startS, interval!.endS, interval!.tradedWh, interval!.tradeCount, interval!.orderCount], [T, T + I, 700, 2, 3]);
  assert.type(interval!.clearingPriceMicroPerKWh, 'number');
  const sellWh = interval!.orders.filter((level) => level.side === 'sell').reduce((sum, level) => sum + level.energyWh, 0);
  const buyWh = interval!.orders.filter((level) => level.side === 'buy').reduce((sum, level) => sum + level.energyWh, 0);
  assert.equal([sellWh, buyWh], [800, 700], 'the book’s depth per side');
  assert.is(interval!.orders.reduce((sum, level) => sum + level.orderCount, 0), 3);

  const empty = (await (await app.request(`/api/v1/zones/north/intervals?from=${T + I}&to=${T + 2 * I}`)).json()) as { intervals: unknown[] };
  assert.equal(empty.intervals, [], 'a range without cleared intervals is an empty list');
});

market('zone trades: energy, price and time only, no household', async ({ app }) => {
  const response = await app.request(`/api/v1/zones/north/trades?${range}`);
  assert.is(response.status, 200);
  const text = await response.text();
  assert.not.match(text, /0x[0-9a-f]{40}/i, 'no address in the zone’s trades');
  const body = JSON.parse(text) as { trades: Record<string, unknown>[] };
  assert.is(body.trades.length, 2);
  assert.equal(body.trades.map((trade) => trade.energyWh).sort(), [300, 400]);
  for (const trade of body.trades) {
    assert.equal(Object.keys(trade).sort(), ['amountMicro', 'energyWh', 'intervalStartS', 'priceMicroPerKWh', 'status', 'tradedWh']);
    assert.is(trade.intervalStartS, T);
    assert.is(trade.status, 'matched');
    assert.is(trade.amountMicro, String(Math.floor(((trade.energyWh as number) * (trade.priceMicroPerKWh as number)) / 1000)));
  }
});

market('zone routes: < 5 meters withheld, unknown zone 404, bad input 400', async ({ app, fixture }) => {
  // A trade in the 3-meter zone, written as the market room writes trades: it must not come out.
  await fixture.store.db.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro)
    VALUES ('tiny', ${T}, 0, 's', 'b', ${meterAddress(107)}, ${meterAddress(7)}, ${meterAddress(108)}, ${meterAddress(8)}, 500, 200000, 100000)`);
  await fixture.store.db.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by)
    VALUES ('tiny', ${T}, ${T + I}, 200000, 200000, 2, 1, 500, 'relay-test')`);
  for (const kind of ['intervals', 'trades'] as const) {
    const response = await app.request(`/api/v1/zones/tiny/${kind}?${range}`);
    assert.is(response.status, 200, 'a small zone is a normal state, answered without figures');
    const body = (await response.json()) as Record<string, unknown> & { withheld: { code: string; message: string } };
    assert.equal([body[kind], body.isWithheld, body.withheld.code], [[], true, 'aggregate_too_small']);
    assert.match(body.withheld.message, /3 active meters.*at least 5/);
  }
  const shown = (await (await app.request(`/api/v1/zones/north/trades?${range}`)).json()) as { isWithheld: boolean; withheld: unknown };
  assert.equal([shown.isWithheld, shown.withheld], [false, null]);
  await expectError(await app.request(`/api/v1/zones/nowhere/trades?${range}`), 404, 'unknown_zone');
  await expectError(await app.request(`/api/v1/zones/north/intervals?from=${T}&to=${T - 1}`), 400, 'bad_range');
  await expectError(await app.request(`/api/v1/zones/north/trades?from=${T}&to=${T + 93 * 86_400}`), 400, 'bad_range');
  await expectError(await app.request(`/api/v1/zones/north/intervals?from=soon&to=${T}`), 400, 'bad_time');
  await expectError(await app.request(`/api/v1/zones/north/trades?${range}&limit=0`), 400, 'bad_limit');
  await expectError(await app.request(`/api/v1/zones/bad%20zone/intervals?${range}`), 400, 'bad_zone');
});

market('meter trades: the owner sees its trades, counterparties by pseudonym', async ({ app, ownerToken, strangerToken }) => {
  const response = await app.request(`/api/v1/meters/${SELLER}/trades?${range}`, bearer(ownerToken));
  assert.is(response.status, 200);
  const text = await response.text();
  for (const hidden of [BUYER_A, BUYER_B, stranger, meterAddress(103)]) assert.not.ok(text.includes(hidden), `${hidden} is not shown`);
  const body = JSON.parse(text) as { trades: { zone: string; gridFeeMicroPerKWh: number; side: string; seller: string; buyer: string; counterparty: string; energyWh: number; status: string; txHash: string | null }[] };
  assert.is(body.trades.length, 2);
  for (const trade of body.trades) {
    assert.is(trade.zone, 'north', 'matched in the meter\'s own zone');
    assert.is(trade.gridFeeMicroPerKWh, 0, 'a local trade climbs no level and pays no grid fee');
    assert.is(trade.side, 'sell');
    assert.is(trade.seller, SELLER, 'the household’s own side is its meter');
    assert.match(trade.buyer, /^h-[0-9a-f]{12}$/);
    assert.is(trade.counterparty, trade.buyer);
    assert.is(trade.txHash, null);
  }
  assert.is(new Set(body.trades.map((trade) => trade.counterparty)).size, 2, 'two neighbours, two pseudonyms');

  // The buyer's household sees the same trade from its side; the seller under a pseudonym.
  const bought = (await (await app.request(`/api/v1/meters/${BUYER_A}/trades?${range}`, bearer(strangerToken))).json()) as typeof body;
  assert.is(bought.trades.length, 1);
  assert.equal([bought.trades[0]!.side, bought.trades[0]!.buyer, bought.trades[0]!.energyWh], ['buy', BUYER_A, 300]);
  assert.match(bought.trades[0]!.seller, /^h-[0-9a-f]{12}$/);
  assert.not.ok(body.trades.some((trade) => trade.counterparty === bought.trades[0]!.seller), 'seller and buyers have different pseudonyms');
});

market('owner-only routes: anonymous 401, another account 403, unknown meter 404, bad address 400', async ({ app, strangerToken, ownerToken }) => {
  for (const path of [`/api/v1/meters/${SELLER}/trades?${range}`, `/api/v1/meters/${SELLER}/standing-order`, `/api/v1/meters/${SELLER}/notifications`]) {
    await expectError(await app.request(path), 401, 'missing_token');
    await expectError(await app.request(path, bearer('pet1.forged.token')), 401, 'bad_token');
    await expectError(await app.request(path, bearer(strangerToken)), 403, 'not_owner');
  }
  await expectError(await app.request(`/api/v1/meters/${SELLER}/standing-order`, put({ mode: 'auto' })), 401, 'missing_token');
  await expectError(await app.request(`/api/v1/meters/${SELLER}/standing-order`, put({ mode: 'auto' }, strangerToken)), 403, 'not_owner');
  await expectError(await app.request(`/api/v1/meters/${meterAddress(999)}/notifications`, bearer(ownerToken)), 404, 'unknown_meter');
  await expectError(await app.request(`/api/v1/meters/0x1234/trades?${range}`, bearer(ownerToken)), 400, 'bad_address');
  await expectError(await app.request(`/api/v1/meters/${SELLER}/notifications?limit=501`, bearer(ownerToken)), 400, 'bad_limit');
});

market('standing order: read as the dashboard expects, set in each shape, kept per side', async ({ app, ownerToken }) => {
  const path = `/api/v1/meters/${SELLER}/standing-order`;
  const initial = (await (await app.request(path, bearer(ownerToken))).json()) as Record<string, unknown>;
  assert.equal(initial, { meter: SELLER, minSellPriceMicroPerKWh: null, maxBuyPriceMicroPerKWh: null, sell: { kind: 'auto' }, buy: { kind: 'auto' }, nameplateW: 6_000, isSet: true });

  const both = await app.request(path, put({ minSellPriceMicroPerKWh: 120_000, maxBuyPriceMicroPerKWh: null }, ownerToken));
  assert.is(both.status, 200);
  assert.equal(((await both.json()) as Record<string, unknown>).sell, { kind: 'limit', priceMicroPerKWh: 120_000 });
  const read = (await (await app.request(path, bearer(ownerToken))).json()) as Record<string, unknown>;
  assert.equal([read.minSellPriceMicroPerKWh, read.maxBuyPriceMicroPerKWh, read.buy], [120_000, null, { kind: 'auto' }]);

  const oneSide = (await (await app.request(path, put({ side: 'buy', limitPriceMicroPerKWh: 300_000 }, ownerToken))).json()) as Record<string, unknown>;
  assert.equal([oneSide.minSellPriceMicroPerKWh, oneSide.maxBuyPriceMicroPerKWh], [120_000, 300_000], 'the other side is kept');

  const auto = (await (await app.request(path, put({ mode: 'auto' }, ownerToken))).json()) as Record<string, unknown>;
  assert.equal([auto.sell, auto.buy], [{ kind: 'auto' }, { kind: 'auto' }]);
  const stored = (await (await app.request(path, bearer(ownerToken))).json()) as Record<string, unknown>;
  assert.equal([stored.sell, stored.buy], [{ kind: 'auto' }, { kind: 'auto' }], 'stored, not only answered');
});

market('standing order: bad bodies refused with a code, none yet is a state, no nameplate 409', async ({ app, ownerToken }) => {
  const path = `/api/v1/meters/${SELLER}/standing-order`;
  for (const body of [
    { side: 'sell', limitPriceMicroPerKWh: 1.5 },
    { side: 'sell', limitPriceMicroPerKWh: -1 },
    { side: 'hold', limitPriceMicroPerKWh: 100 },
    { mode: 'manual' },
    { minSellPriceMicroPerKWh: 2_000_000_000, maxBuyPriceMicroPerKWh: null },
    { mode: 'auto', extra: 1 },
    {},
  ]) {
    const response = await app.request(path, put(body, ownerToken));
    assert.is(response.status, 400, `refuses ${JSON.stringify(body)}`);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.is(error.code, 'invalid_json');
    assert.match(error.message, /expected|Unrecognized key/, `says what was expected or which field is wrong: ${error.message}`);
  }
  const notJson = await app.request(path, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` }, body: '{' });
  assert.is(notJson.status, 400);
  const none = await app.request(`/api/v1/meters/${NO_NAMEPLATE}/standing-order`, bearer(ownerToken));
  assert.is(none.status, 200, 'no order yet is a state the form opens on, not an error');
  assert.equal(await none.json(), { meter: NO_NAMEPLATE, minSellPriceMicroPerKWh: null, maxBuyPriceMicroPerKWh: null, sell: null, buy: null, nameplateW: null, isSet: false });
  await expectError(await app.request(`/api/v1/meters/${NO_NAMEPLATE}/standing-order`, put({ mode: 'auto' }, ownerToken)), 409, 'no_nameplate');
});

market('notifications: the household’s own, counterparties by pseudonym', async ({ app, ownerToken, strangerToken }) => {
  const response = await app.request(`/api/v1/meters/${SELLER}/notifications`, bearer(ownerToken));
  assert.is(response.status, 200);
  const text = await response.text();
  for (const hidden of [BUYER_A, BUYER_B, stranger]) assert.not.ok(text.includes(hidden), `${hidden} is not shown`);
  const body = JSON.parse(text) as { notifications: { kind: string; zone: string; intervalStartS: number; body: Record<string, unknown> }[] };
  // One notification per (recipient, kind, zone, interval): the sale of the interval, whichever trade came first.
  assert.equal(body.notifications.map((n) => n.kind), ['sold']);
  for (const notification of body.notifications) {
    assert.equal([notification.zone, notification.intervalStartS, notification.body.seller], ['north', T, SELLER]);
    assert.match(String(notification.body.buyer), /^h-[0-9a-f]{12}$/);
  }
  const buyer = (await (await app.request(`/api/v1/meters/${BUYER_A}/notifications`, bearer(strangerToken))).json()) as typeof body;
  assert.equal(buyer.notifications.map((n) => n.kind).sort(), ['bought', 'energy-available']);
  assert.not.ok(JSON.stringify(buyer).includes(owner), 'the seller’s account is not shown');
  const limited = (await (await app.request(`/api/v1/meters/${BUYER_A}/notifications?limit=1`, bearer(strangerToken))).json()) as typeof body;
  assert.equal(limited.notifications, buyer.notifications.slice(0, 1), 'limit keeps the newest');
});

market('after settlement: the owner sees the delivered energy, the payment and the transaction; the zone list no transaction', async ({ app, fixture, ownerToken }) => {
  const txHash = '0x' + 'ab'.repeat(32);
  // Delivery settlement's figures and a confirmed batch, as the chain room leaves them (raw rows, as its own tests write them).
  await fixture.store.db.execute(sql`UPDATE market_trades SET delivered_wh = energy_wh - 100, paid_micro = 1 WHERE zone = 'north' AND interval_start_s = ${T}`);
  await fixture.store.db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro, tx_hash)
    VALUES ('north', ${T}, 1, '0x01', 'confirmed', 150000, '0x', '0x', 2, 500, 2, ${txHash})`);
  const mine = (await (await app.request(`/api/v1/meters/${SELLER}/trades?${range}`, bearer(ownerToken))).json()) as { trades: { energyWh: number; tradedWh: number; amountMicro: string; status: string; txHash: string | null }[] };
  assert.equal(
    mine.trades.map((trade) => [trade.energyWh, trade.tradedWh, trade.amountMicro, trade.status, trade.txHash]).sort(),
    [[200, 300, '1', 'confirmed', txHash], [300, 400, '1', 'confirmed', txHash]],
  );
  const zoneText = await (await app.request(`/api/v1/zones/north/trades?${range}`)).text();
  assert.not.ok(zoneText.includes(txHash), 'the settlement transaction names both parties: not in the zone list');
  assert.equal((JSON.parse(zoneText) as { trades: { status: string; energyWh: number }[] }).trades.map((trade) => [trade.status, trade.energyWh]).sort(), [['confirmed', 200], ['confirmed', 300]]);
});

market.run();
