import { sql } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ownerPseudonym } from '../../relay/privacy/ownerPseudonym.ts';
import { queryRows } from '../../relay/store/queryRows.ts';
import type { RelayDatabase } from '../../relay/store/relayDatabase.ts';
import { ERASURE_CONFIRMATION } from '../../relay/web/routes/privacyRoutes.ts';
import { bearer, INTERVAL_S, ownerAccount, postJson, SEED_START_S, signInThroughApi, strangerAccount } from '../relay-web/webFixture.ts';
import { openPrivacyFixture, OWNER, OWNER_METER, STRANGER, STRANGER_METER, type PrivacyFixture } from './privacyFixture.ts';

type Row = Record<string, unknown>;
interface ExportDocument {
  format: string;
  subject: string;
  tablesNotPresent: string[];
  sections: Record<string, Row[]>;
}

const privacy = suite<{ fixture: PrivacyFixture; ownerToken: string; strangerToken: string }>('privacy API: export, profile encryption, erasure');

privacy.before(async (context) => {
  context.fixture = await openPrivacyFixture();
  context.ownerToken = await signInThroughApi(context.fixture.app, ownerAccount);
  context.strangerToken = await signInThroughApi(context.fixture.app, strangerAccount);
});
privacy.after(async ({ fixture }) => fixture.close());

async function exportOf(fixture: PrivacyFixture, token: string): Promise<{ text: string; document: ExportDocument }> {
  const response = await fixture.app.request('/api/v1/me/export', bearer(token));
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-disposition') ?? '', 'attachment');
  const text = await response.text();
  return { text, document: JSON.parse(text) as ExportDocument };
}

async function errorCode(response: Response, status: number): Promise<string> {
  assert.is(response.status, status);
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** Every row of every table of the database, as text, with the table's name. */
async function everyRowAsText(db: RelayDatabase): Promise<Array<{ table: string; text: string }>> {
  const tables = await queryRows<{ name: string }>(db, sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  const out: Array<{ table: string; text: string }> = [];
  for (const { name } of tables) {
    for (const row of await queryRows<{ t: string }>(db, sql`SELECT t::text AS t FROM ${sql.raw(`"${name}"`)} t`)) out.push({ table: name, text: row.t.toLowerCase() });
  }
  return out;
}

privacy('export needs a signed-in owner', async ({ fixture }) => {
  assert.is(await errorCode(await fixture.app.request('/api/v1/me/export'), 401), 'missing_token');
});

privacy('export holds all of the owner’s data and nothing of another household', async ({ fixture, ownerToken }) => {
  const { text, document } = await exportOf(fixture, ownerToken);
  assert.is(document.format, 'pet-export/1');
  assert.is(document.subject, OWNER);
  assert.equal(document.tablesNotPresent, [], 'market tables exist in this database');
  const s = document.sections;
  assert.equal(s.meters!.map((row) => row.address), [OWNER_METER]);
  assert.is(s.samples!.length, 5);
  assert.ok(s.samples!.every((row) => row.meter === OWNER_METER));
  assert.equal(s.samples!.map((row) => row.seq), [0, 1, 2, 3, 4], 'bigint columns as numbers, in chain order');
  assert.is(s.seals!.length, 2);
  assert.is(s.meterIntervals!.length, 2);
  assert.equal(s.rejections!.map((row) => row.code), ['chain_broken']);
  assert.equal(s.abandonedGaps!.map((row) => [row.meter, row.from_seq, row.to_seq, row.reason]), [[OWNER_METER, 5, 9, 'meter_queue_overflow']], 'only the owner’s abandoned range');
  assert.is(s.marketTrades!.length, 2);
  for (const trade of s.marketTrades!) {
    assert.is(trade.seller, OWNER);
    assert.is(trade.buyer, null, 'counterparty withheld');
    assert.is(trade.buyer_meter, null);
  }
  assert.equal(s.settlements!.map((row) => row.state), ['confirmed', 'failed']);
  assert.not.ok('sellers_hex' in s.settlements![0]!, 'other sellers of the batch are left out');
  assert.is(s.notifications!.length, 1);
  assert.equal(s.erasedMeters, []);
  assert.not.ok(text.toLowerCase().includes(STRANGER), 'the stranger’s address never appears');
  assert.not.ok(text.includes(STRANGER_METER), 'the stranger’s meter never appears');
});

privacy('the other owner’s export mirrors it: own meter and samples only', async ({ fixture, strangerToken }) => {
  const { text, document } = await exportOf(fixture, strangerToken);
  assert.equal(document.sections.meters!.map((row) => row.address), [STRANGER_METER]);
  assert.is(document.sections.samples!.length, 3);
  assert.is(document.sections.marketTrades!.length, 2);
  assert.is(document.sections.marketTrades![0]!.seller, null);
  assert.not.ok(text.toLowerCase().includes(OWNER));
  assert.not.ok(text.includes(OWNER_METER));
});

privacy('profile: stored encrypted, readable by its owner only, plaintext nowhere in the database', async ({ fixture, ownerToken, strangerToken }) => {
  const label = 'Garage roof, Lindenstraße 12';
  const ownerContact = 'ana.moreno@example.org +49 30 5550123';
  const path = `/api/v1/me/meters/${OWNER_METER}/profile`;
  const put = await fixture.app.request(path, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` }, body: JSON.stringify({ label, ownerContact }) });
  assert.is(put.status, 200);
  const read = (await (await fixture.app.request(path, bearer(ownerToken))).json()) as { profile: { label: string; ownerContact: string } };
  assert.equal(read.profile, { label, ownerContact });
  assert.is(await errorCode(await fixture.app.request(path, bearer(strangerToken)), 403), 'not_owner');
  const strangerPut = await fixture.app.request(path, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${strangerToken}` }, body: JSON.stringify({ label: 'x', ownerContact: null }) });
  assert.is(await errorCode(strangerPut, 403), 'not_owner');

  const stored = await queryRows<{ label_encrypted: string; owner_contact_encrypted: string }>(fixture.store.db, sql`SELECT label_encrypted, owner_contact_encrypted FROM meter_profiles WHERE meter = ${OWNER_METER}`);
  assert.ok(stored[0]!.label_encrypted.startsWith(`pet-gcm1.${fixture.keyring.current.id}.`), 'key id stored with the ciphertext');
  for (const { table, text } of await everyRowAsText(fixture.store.db)) {
    for (const secret of ['lindenstraße', 'garage roof', 'ana.moreno', '5550123']) assert.not.ok(text.includes(secret), `${table} holds plaintext "${secret}"`);
  }
  const { document } = await exportOf(fixture, ownerToken);
  assert.equal(document.sections.meterProfiles!.map((row) => [row.label, row.ownerContact]), [[label, ownerContact]]);
});

privacy('erasure: refused without the confirmation, and while a trade awaits settlement', async ({ fixture, ownerToken }) => {
  assert.is(await errorCode(await fixture.app.request('/api/v1/me/erase', postJson({ confirm: 'yes' }, ownerToken)), 400), 'confirmation_required');
  const startS = SEED_START_S + 2 * INTERVAL_S;
  await fixture.store.db.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro)
    VALUES ('big', ${startS}, 0, 's', 'b', ${OWNER}, ${OWNER_METER}, ${STRANGER}, ${STRANGER_METER}, 10, 250000, 2500)`);
  assert.is(await errorCode(await fixture.app.request('/api/v1/me/erase', postJson({ confirm: ERASURE_CONFIRMATION }, ownerToken)), 409), 'settlement_pending');
  const samples = await queryRows<{ n: unknown }>(fixture.store.db, sql`SELECT count(*) AS n FROM samples WHERE meter = ${OWNER_METER}`);
  assert.is(Number(samples[0]!.n), 5, 'nothing erased');
  await fixture.store.db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro)
    VALUES ('big', ${startS}, 1, 'key-2', 'empty', 250000, '0x', '0x', 0, 0, 0)`);
});

privacy('erasure deletes samples and personal fields, keeps paid seals pseudonymised, and logs no identity', async ({ fixture, ownerToken }) => {
  const response = await fixture.app.request('/api/v1/me/erase', postJson({ confirm: ERASURE_CONFIRMATION }, ownerToken));
  assert.is(response.status, 200);
  const result = (await response.json()) as { meters: string[]; deleted: Record<string, number>; kept: Record<string, number> };
  assert.equal(result.meters, [OWNER_METER]);
  assert.is(result.deleted.samples, 5);
  assert.is(result.deleted.meter_profiles, 1);
  assert.is(result.deleted.seals, 1, 'the seal of the interval whose settlement failed');
  assert.is(result.kept.seals, 1, 'the seal a confirmed settlement paid for');
  assert.is(result.deleted.notifications, 1);

  const db = fixture.store.db;
  const one = async (query: ReturnType<typeof sql>) => (await queryRows<Row>(db, query))[0]!;
  assert.is(Number((await one(sql`SELECT count(*) AS n FROM samples WHERE meter = ${OWNER_METER}`)).n), 0);
  assert.is(Number((await one(sql`SELECT count(*) AS n FROM samples WHERE meter = ${STRANGER_METER}`)).n), 3, 'the other household is untouched');
  assert.is(Number((await one(sql`SELECT count(*) AS n FROM meter_profiles`)).n), 0);
  const keptSeal = await one(sql`SELECT start_s FROM seals WHERE meter = ${OWNER_METER}`);
  assert.is(Number(keptSeal.start_s), SEED_START_S);
  const meter = await one(sql`SELECT owner_address, is_active FROM meters WHERE address = ${OWNER_METER}`);
  assert.equal([meter.owner_address, meter.is_active], [null, false]);
  const pseudonym = ownerPseudonym(fixture.keyring.current, OWNER);
  const trades = await queryRows<Row>(db, sql`SELECT seller FROM market_trades WHERE seller_meter = ${OWNER_METER}`);
  assert.ok(trades.length === 3 && trades.every((trade) => trade.seller === pseudonym), 'trades keep a keyed pseudonym instead of the address');

  // The owner's address is gone from every table but the settlement calldata already public on-chain.
  for (const { table, text } of await everyRowAsText(db)) {
    if (table !== 'settlement_batches') assert.not.ok(text.includes(OWNER.slice(2)), `${table} still names the owner`);
  }
  const log = await queryRows<Row>(db, sql`SELECT * FROM privacy_erasures`);
  assert.is(log.length, 1);
  const logText = JSON.stringify(log[0]).toLowerCase();
  assert.not.ok(logText.includes(OWNER.slice(2)) || logText.includes(OWNER_METER) || logText.includes(pseudonym), 'the erasure log holds no identity');
  assert.is((JSON.parse(String(log[0]!.deleted_json)) as Record<string, number>).samples, 5);
});

privacy('a second export after erasure shows the erasure and only what was kept', async ({ fixture, ownerToken }) => {
  const { document } = await exportOf(fixture, ownerToken);
  const s = document.sections;
  assert.equal(s.meters, []);
  assert.equal(s.samples, []);
  assert.equal(s.abandonedGaps, [], 'abandoned ranges name the meter: erased');
  assert.equal(s.meterProfiles, []);
  assert.equal(s.notifications, []);
  assert.equal(s.erasedMeters!.map((row) => row.meter), [OWNER_METER]);
  assert.equal(s.retainedSeals!.map((row) => row.start_s), [SEED_START_S]);
  assert.is(s.marketTrades!.length, 3, 'trades found again through the pseudonym');
});

privacy('without a data key the privacy routes say which variable to set', async ({ fixture, ownerToken }) => {
  for (const request of [
    fixture.appWithoutKey.request('/api/v1/me/export', bearer(ownerToken)),
    fixture.appWithoutKey.request('/api/v1/me/erase', postJson({ confirm: ERASURE_CONFIRMATION }, ownerToken)),
  ]) {
    const response = await request;
    assert.is(response.status, 503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.is(body.error.code, 'data_key_missing');
    assert.match(body.error.message, 'PET_DATA_KEY');
  }
});

privacy.run();
