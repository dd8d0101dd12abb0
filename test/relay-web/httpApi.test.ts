import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bearer,
  INTERVAL_S,
  meterAddress,
  openWebFixture,
  OPERATOR_TOKEN,
  ownerAccount,
  postJson,
  SEED_START_S,
  seedStore,
  signInThroughApi,
  strangerAccount,
  type WebFixture,
} from './webFixture.ts';

const api = suite<{ fixture: WebFixture; ownerToken: string; strangerToken: string }>('relay HTTP API');

api.before(async (context) => {
  context.fixture = await openWebFixture();
  await seedStore(context.fixture.store);
  context.ownerToken = await signInThroughApi(context.fixture.app, ownerAccount);
  context.strangerToken = await signInThroughApi(context.fixture.app, strangerAccount);
});
api.after(async ({ fixture }) => fixture.close());

async function expectError(response: Response, status: number, code: string): Promise<{ code: string; message: string }> {
  assert.is(response.status, status, `status of ${response.url}`);
  assert.match(response.headers.get('content-type') ?? '', 'application/json');
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.is(body.error.code, code);
  assert.ok(body.error.message.length > 10, 'message says what was expected');
  return body.error;
}

const range = `from=${SEED_START_S}&to=${SEED_START_S + 3_600}`;
const owned = meterAddress(1);

api('health: live answers, ready checks the database', async ({ fixture }) => {
  assert.equal(await (await fixture.app.request('/health/live')).json(), { status: 'ok' });
  const ready = await fixture.app.request('/health/ready');
  assert.is(ready.status, 200);
  assert.equal(((await ready.json()) as { checks: Record<string, { isHealthy: boolean }> }).checks.database?.isHealthy, true);
});

api('metrics: Prometheus text exposition from the relay registry', async ({ fixture }) => {
  fixture.metrics.recordsStored.inc({ kind: 'sample' }, 3);
  const response = await fixture.app.request('/metrics');
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', 'text/plain');
  const text = await response.text();
  assert.match(text, '# TYPE pet_relay_records_stored_total counter');
  assert.match(text, 'pet_relay_records_stored_total{kind="sample"} 3');
});

api('meters: public list without owners, paging, one meter, unknown and bad addresses', async ({ fixture }) => {
  const list = (await (await fixture.app.request('/api/v1/meters?limit=4')).json()) as { meters: Array<Record<string, unknown>>; nextAfter: string };
  assert.is(list.meters.length, 4);
  assert.is(list.nextAfter, meterAddress(4));
  assert.not.ok('ownerAddress' in list.meters[0]!, 'owner is never public');
  const next = (await (await fixture.app.request(`/api/v1/meters?limit=100&after=${list.nextAfter}`)).json()) as { meters: unknown[]; nextAfter: null };
  assert.is(next.meters.length, 5);
  assert.is(next.nextAfter, null);
  const small = (await (await fixture.app.request('/api/v1/meters?zone=small')).json()) as { meters: unknown[] };
  assert.is(small.meters.length, 3);

  const one = (await (await fixture.app.request(`/api/v1/meters/${owned.toUpperCase().replace('0X', '0x')}`)).json()) as { meter: { address: string; zone: string } };
  assert.is(one.meter.address, owned);
  assert.is(one.meter.zone, 'big');
  await expectError(await fixture.app.request(`/api/v1/meters/${meterAddress(99)}`), 404, 'unknown_meter');
  const bad = await expectError(await fixture.app.request('/api/v1/meters/0x1234'), 400, 'bad_address');
  assert.match(bad.message, 'param.address');
  await expectError(await fixture.app.request('/api/v1/meters?limit=100000'), 400, 'bad_limit');
});

api('readings: the owner reads them; another signed-in account gets 403; anonymous 401', async ({ fixture, ownerToken, strangerToken }) => {
  const path = `/api/v1/meters/${owned}/readings?${range}`;
  const response = await fixture.app.request(path, bearer(ownerToken));
  assert.is(response.status, 200);
  const body = (await response.json()) as { readings: Array<{ seq: number; powerW: number }>; nextAfterSeq: number | null };
  assert.equal(body.readings.map((reading) => reading.seq), [0, 1, 2, 3, 4]);
  assert.is(body.readings[0]!.powerW, -600);
  assert.is(body.nextAfterSeq, null);

  const page = (await (await fixture.app.request(`${path}&limit=2&afterSeq=1`, bearer(ownerToken))).json()) as { readings: Array<{ seq: number }>; nextAfterSeq: number };
  assert.equal(page.readings.map((reading) => reading.seq), [2, 3]);
  assert.is(page.nextAfterSeq, 3);

  await expectError(await fixture.app.request(path, bearer(strangerToken)), 403, 'not_owner');
  await expectError(await fixture.app.request(path), 401, 'missing_token');
  await expectError(await fixture.app.request(path, bearer('pet1.bm9wZQ.bm9wZQ')), 401, 'bad_token');
  await expectError(await fixture.app.request(`/api/v1/meters/${meterAddress(2)}/readings?${range}`, bearer(ownerToken)), 403, 'not_owner');
});

api('readings: bad range, oversized range and page, bad time are 400 with a specific code', async ({ fixture, ownerToken }) => {
  const base = `/api/v1/meters/${owned}/readings`;
  await expectError(await fixture.app.request(`${base}?from=200&to=100`, bearer(ownerToken)), 400, 'bad_range');
  await expectError(await fixture.app.request(`${base}?from=0&to=${30 * 86_400}`, bearer(ownerToken)), 400, 'bad_range');
  await expectError(await fixture.app.request(`${base}?${range}&limit=5001`, bearer(ownerToken)), 400, 'bad_limit');
  await expectError(await fixture.app.request(`${base}?from=yesterday&to=100`, bearer(ownerToken)), 400, 'bad_time');
  await expectError(await fixture.app.request(`${base}?to=100`, bearer(ownerToken)), 400, 'invalid_query');
});

api('seals: the owner gets every field needed to check a seal again', async ({ fixture, ownerToken, strangerToken }) => {
  const path = `/api/v1/meters/${owned}/seals?${range}`;
  const body = (await (await fixture.app.request(path, bearer(ownerToken))).json()) as { seals: Array<{ seq: number; startS: number; sig: string }> };
  assert.equal(body.seals.map((seal) => [seal.seq, seal.startS]), [[10, SEED_START_S], [11, SEED_START_S + INTERVAL_S]]);
  assert.is(body.seals[0]!.sig.length, 132);
  await expectError(await fixture.app.request(path, bearer(strangerToken)), 403, 'not_owner');
  await expectError(await fixture.app.request(path), 401, 'missing_token');
});

api('me/meters lists what the signed-in account owns', async ({ fixture, ownerToken, strangerToken }) => {
  const mine = (await (await fixture.app.request('/api/v1/me/meters', bearer(ownerToken))).json()) as { meters: Array<{ address: string }> };
  assert.equal(mine.meters.map((meter) => meter.address), [owned]);
  const none = (await (await fixture.app.request('/api/v1/me/meters', bearer(strangerToken))).json()) as { meters: unknown[] };
  assert.is(none.meters.length, 0);
  await expectError(await fixture.app.request('/api/v1/me/meters'), 401, 'missing_token');
});

api('zones: list with meter counts', async ({ fixture }) => {
  const body = (await (await fixture.app.request('/api/v1/zones')).json()) as { zones: Array<{ zone: string; meterCount: number; hasAggregates: boolean }>; minMetersPerAggregate: number };
  assert.equal(body.zones, [
    { zone: 'big', meterCount: 6, hasAggregates: true },
    { zone: 'small', meterCount: 3, hasAggregates: false },
  ]);
  assert.is(body.minMetersPerAggregate, 5);
});

api('zone aggregates: served over ≥ 5 meters; the 2-meter interval is withheld; a 3-meter zone is refused', async ({ fixture }) => {
  const response = await fixture.app.request(`/api/v1/zones/big/aggregates?${range}`);
  assert.is(response.status, 200);
  const body = (await response.json()) as { intervals: Array<Record<string, number>>; withheldIntervals: number };
  assert.equal(body.intervals, [{ startS: SEED_START_S, endS: SEED_START_S + INTERVAL_S, exportWh: 600, importWh: 210, netExportWh: 390, meterCount: 6 }]);
  assert.is(body.withheldIntervals, 1);

  const refused = await expectError(await fixture.app.request(`/api/v1/zones/small/aggregates?${range}`), 403, 'aggregate_too_small');
  assert.match(refused.message, 'at least 5');
  await expectError(await fixture.app.request(`/api/v1/zones/nowhere/aggregates?${range}`), 404, 'unknown_zone');
  await expectError(await fixture.app.request(`/api/v1/zones/big%20bad/aggregates?${range}`), 400, 'bad_zone');
  await expectError(await fixture.app.request('/api/v1/zones/big/aggregates?from=5&to=5'), 400, 'bad_range');
});

api('rejections: operator only, newest first, filter by code', async ({ fixture, ownerToken }) => {
  const operator = bearer(OPERATOR_TOKEN);
  const all = (await (await fixture.app.request('/api/v1/rejections', operator)).json()) as { rejections: Array<{ code: string }> };
  assert.equal(all.rejections.map((rejection) => rejection.code), ['malformed_json', 'bad_signature']);
  const filtered = (await (await fixture.app.request('/api/v1/rejections?code=bad_signature', operator)).json()) as { rejections: unknown[] };
  assert.is(filtered.rejections.length, 1);
  await expectError(await fixture.app.request('/api/v1/rejections'), 401, 'missing_token');
  await expectError(await fixture.app.request('/api/v1/rejections', bearer(ownerToken)), 403, 'not_operator');
  await expectError(await fixture.app.request('/api/v1/rejections?limit=0', operator), 400, 'bad_limit');
});

api('meter registration: operator creates (201), updates (200); bad, oversized and anonymous requests are refused', async ({ fixture }) => {
  const registration = { address: meterAddress(42).toUpperCase().replace('0X', '0x'), zone: 'small', ownerAddress: strangerAccount.address, technology: 'solar', nameplateW: 4_000 };
  const created = await fixture.app.request('/api/v1/meters', postJson(registration, OPERATOR_TOKEN));
  assert.is(created.status, 201);
  const { meter } = (await created.json()) as { meter: { address: string; zone: string; nameplateW: number } };
  assert.equal([meter.address, meter.zone, meter.nameplateW], [meterAddress(42), 'small', 4_000]);
  const updated = await fixture.app.request('/api/v1/meters', postJson({ ...registration, zone: 'big' }, OPERATOR_TOKEN));
  assert.is(updated.status, 200);
  assert.is(((await updated.json()) as { meter: { zone: string } }).meter.zone, 'big');

  await expectError(await fixture.app.request('/api/v1/meters', postJson({ ...registration, address: 'meter-42' }, OPERATOR_TOKEN)), 400, 'bad_address');
  await expectError(await fixture.app.request('/api/v1/meters', postJson({ ...registration, nameplateW: -1 }, OPERATOR_TOKEN)), 400, 'invalid_json');
  await expectError(await fixture.app.request('/api/v1/meters', postJson({ ...registration, colour: 'red' }, OPERATOR_TOKEN)), 400, 'invalid_json');
  await expectError(await fixture.app.request('/api/v1/meters', postJson({ ...registration, technology: 'x'.repeat(5_000) }, OPERATOR_TOKEN)), 413, 'payload_too_large');
  await expectError(await fixture.app.request('/api/v1/meters', postJson(registration)), 401, 'missing_token');
  await expectError(await fixture.app.request('/api/v1/meters', postJson(registration, 'wrong-token-wrong-token-wrong')), 403, 'not_operator');
  const notJson = await fixture.app.request('/api/v1/meters', { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' }, body: '{' });
  assert.is(notJson.status, 400);
});

api('sign-in over HTTP: replayed and expired challenges are refused', async ({ fixture }) => {
  const challenge = (await (await fixture.app.request('/api/v1/auth/challenge', postJson({ address: ownerAccount.address }))).json()) as { message: string };
  const signature = await ownerAccount.signMessage({ message: challenge.message });
  assert.is((await fixture.app.request('/api/v1/auth/verify', postJson({ message: challenge.message, signature }))).status, 200);
  await expectError(await fixture.app.request('/api/v1/auth/verify', postJson({ message: challenge.message, signature })), 401, 'unknown_nonce');

  const late = (await (await fixture.app.request('/api/v1/auth/challenge', postJson({ address: ownerAccount.address }))).json()) as { message: string };
  const lateSignature = await ownerAccount.signMessage({ message: late.message });
  fixture.clock.nowMs += 301_000;
  try {
    await expectError(await fixture.app.request('/api/v1/auth/verify', postJson({ message: late.message, signature: lateSignature })), 401, 'expired_challenge');
  } finally {
    fixture.clock.nowMs -= 301_000;
  }
  await expectError(await fixture.app.request('/api/v1/auth/challenge', postJson({ address: 'me' })), 400, 'bad_address');
  await expectError(await fixture.app.request('/api/v1/auth/verify', postJson({ message: 'hi' })), 400, 'invalid_json');
});

api('unknown routes answer 404 JSON; a plain GET on /ws answers 426', async ({ fixture }) => {
  await expectError(await fixture.app.request('/api/v1/nothing-here'), 404, 'not_found');
  await expectError(await fixture.app.request('/ws'), 426, 'upgrade_required');
});

api('the OpenAPI 3.1 document describes every route the app serves', async ({ fixture }) => {
  const document = (await (await fixture.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.is(document.openapi, '3.1.0');
  const documented = new Set(Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)));
  const served = fixture.app.routes
    .filter((route) => route.method !== 'ALL' && route.path !== '/openapi.json')
    .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  assert.ok(served.length >= 14, `found ${served.length} routes`);
  for (const route of served) assert.ok(documented.has(route), `${route} is missing from /openapi.json`);
  for (const route of documented) assert.ok(served.includes(route), `${route} is documented but not served`);
});

api.run();
