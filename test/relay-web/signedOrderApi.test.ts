/**
 * The signed standing-order routes on real parts (PGlite store, real sign-in, viem accounts signing EIP-712 like
 * wallets): each refusal with its status and code, the queue row behind a 202, and the signing context the
 * dashboard reads. The chain side (the relay sending the queue to EnergyListing) is relay/chain/submitSignedOrders.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PrivateKeyAccount } from 'viem/accounts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { cancelOrderTypedData, listingDomain, placeOrderTypedData, type ListingOrder } from '../../shared/market/listingTypedData.ts';
import { announceListingChain } from '../../relay/store/marketQueries/listingChain.ts';
import { registerMeter } from '../../relay/store/queries/registerMeter.ts';
import { bearer, meterAddress, openWebFixture, ownerAccount, postJson, signInThroughApi, strangerAccount, type WebFixture } from './webFixture.ts';

const LISTING = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512';
const domain = listingDomain(31337, LISTING);
const METER = meterAddress(1);
const ZONE = 'north';
const path = (meter = METER) => `/api/v1/meters/${meter}/standing-order/signed`;

interface Context {
  fixture: WebFixture;
  nowS: number;
}

const api = suite<Context>('signed standing-order API');

api.before(async (context) => {
  context.fixture = await openWebFixture();
  context.nowS = Math.floor(context.fixture.clock.nowMs / 1000);
  await registerMeter(context.fixture.store.db, { address: METER, zone: ZONE, ownerAddress: ownerAccount.address, nameplateW: 6_000 });
  await registerMeter(context.fixture.store.db, { address: meterAddress(2), zone: ZONE, ownerAddress: strangerAccount.address, nameplateW: 6_000 });
});
api.after(async ({ fixture }) => fixture.close());

/** A signed PlaceOrder body as the dashboard posts it (big integers as decimal strings). */
async function body(nowS: number, options: { nonce?: bigint; signer?: PrivateKeyAccount; order?: Partial<ListingOrder>; deadlineS?: bigint } = {}) {
  const order: ListingOrder = { owner: ownerAccount.address, zone: zoneIdFromName(ZONE), side: 0, maxWhPerInterval: 1_500, limitPricePerKWh: 120_000n, validFromS: nowS, validUntilS: nowS + 86_400, ...options.order };
  const nonce = options.nonce ?? 0n;
  const deadlineS = options.deadlineS ?? BigInt(nowS + 600);
  const signature = await (options.signer ?? ownerAccount).signTypedData(placeOrderTypedData(domain, order, nonce, deadlineS));
  return {
    order: { ...order, zone: order.zone.toString(), limitPricePerKWh: Number(order.limitPricePerKWh) },
    nonce: nonce.toString(),
    deadlineS: deadlineS.toString(),
    signature,
  };
}

async function refusal(response: Response): Promise<string> {
  const json = (await response.json()) as { error?: { code: string } };
  return `${response.status} ${json.error?.code}`;
}

api('the three routes are in the OpenAPI document', async ({ fixture }) => {
  const document = (await (await fixture.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  assert.ok(document.paths['/api/v1/meters/{address}/standing-order/signed']?.get);
  assert.ok(document.paths['/api/v1/meters/{address}/standing-order/signed']?.post);
  assert.ok(document.paths['/api/v1/meters/{address}/standing-order/signed-cancel']?.post);
});

api('before a market room announced its EnergyListing: 503 listing_unavailable', async ({ fixture, nowS }) => {
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS)))), '503 listing_unavailable');
  await announceListingChain(fixture.store.db, { chainId: 31337, listing: LISTING });
});

api('shapes: unknown field, integer out of range, bad address, signature not 65 bytes of hex → 400 with a code', async ({ fixture, nowS }) => {
  const good = await body(nowS);
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, extra: 1 }))), '400 invalid_json');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, order: { ...good.order, zone: (1n << 64n).toString() } }))), '400 bad_integer');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, order: { ...good.order, maxWhPerInterval: 2 ** 32 } }))), '400 invalid_json');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, order: { ...good.order, limitPricePerKWh: 1.5 } }))), '400 invalid_json');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, nonce: '-1' }))), '400 invalid_json');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, order: { ...good.order, owner: '0x1234' } }))), '400 bad_address');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, signature: good.signature.slice(0, 100) }))), '400 malformed_signature');
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...good, order: { ...good.order, side: 2 } }))), '400 invalid_json');
});

api('a forged or foreign signature 401 wrong_signer; expired 400 signature_expired; wrong zone 400; a stranger’s own order for this meter 403 not_meter_owner; unknown meter 404', async ({ fixture, nowS }) => {
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS, { signer: strangerAccount })))), '401 wrong_signer');
  const tampered = await body(nowS);
  assert.is(await refusal(await fixture.app.request(path(), postJson({ ...tampered, order: { ...tampered.order, limitPricePerKWh: 1 } }))), '401 wrong_signer');
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS, { deadlineS: BigInt(nowS - 1) })))), '400 signature_expired');
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS, { order: { zone: zoneIdFromName('south') } })))), '400 wrong_zone');
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS, { signer: strangerAccount, order: { owner: strangerAccount.address } })))), '403 not_meter_owner');
  assert.is(await refusal(await fixture.app.request(path(meterAddress(77)), postJson(await body(nowS)))), '404 unknown_meter');
});

api('the owner’s signed order is queued (202, no session needed); the same body again is 409 nonce_used, a skipped nonce 409 nonce_gap', async ({ fixture, nowS }) => {
  const posted = await body(nowS);
  const response = await fixture.app.request(path(), postJson(posted));
  assert.is(response.status, 202);
  const queued = (await response.json()) as Record<string, unknown>;
  assert.is(queued.status, 'queued');
  assert.is(queued.kind, 'place');
  assert.is(queued.nonce, '0');
  assert.is(queued.owner, ownerAccount.address.toLowerCase());
  const { owner: _owner, ...orderFields } = posted.order;
  assert.equal(queued.order, orderFields);
  assert.match(String(queued.digest), /^0x[0-9a-f]{64}$/);
  assert.is(await refusal(await fixture.app.request(path(), postJson(posted))), '409 nonce_used');
  assert.is(await refusal(await fixture.app.request(path(), postJson(await body(nowS, { nonce: 2n })))), '409 nonce_gap');
  const bid = await body(nowS, { nonce: 1n, order: { side: 1, limitPricePerKWh: 0n } });
  assert.is((await fixture.app.request(path(), postJson(bid))).status, 202, 'nonce 1 is taken while 0 waits for the chain');
});

api('GET …/signed: owner only; the domain, zone id, next nonce and the submissions through the meter', async ({ fixture }) => {
  assert.is(await refusal(await fixture.app.request(path())), '401 missing_token');
  const strangerToken = await signInThroughApi(fixture.app, strangerAccount);
  assert.is(await refusal(await fixture.app.request(path(), bearer(strangerToken))), '403 not_owner');
  const token = await signInThroughApi(fixture.app, ownerAccount);
  const response = await fixture.app.request(path(), bearer(token));
  assert.is(response.status, 200);
  const context = (await response.json()) as { domain: unknown; zoneId: string; nextNonce: string; onChainNonce: string; owner: string; orders: unknown[]; submissions: { nonce: string; status: string }[]; nameplateW: number };
  assert.equal(context.domain, { name: 'PeerEnergyListing', version: '1', chainId: 31337, verifyingContract: LISTING });
  assert.is(context.zoneId, zoneIdFromName(ZONE).toString());
  assert.is(context.owner, ownerAccount.address.toLowerCase());
  assert.is(context.nextNonce, '2');
  assert.is(context.onChainNonce, '0');
  assert.is(context.nameplateW, 6_000);
  assert.equal(context.orders, []);
  assert.equal(context.submissions.map((s) => `${s.nonce} ${s.status}`), ['1 queued', '0 queued']);
});

api('a signed cancel of an order the owner never placed: 404 order_not_found', async ({ fixture, nowS }) => {
  const deadlineS = BigInt(nowS + 600);
  const signature = await ownerAccount.signTypedData(cancelOrderTypedData(domain, ownerAccount.address, 5n, 2n, deadlineS));
  const response = await fixture.app.request(`/api/v1/meters/${METER}/standing-order/signed-cancel`, postJson({ owner: ownerAccount.address, orderId: '5', nonce: '2', deadlineS: deadlineS.toString(), signature }));
  assert.is(await refusal(response), '404 order_not_found');
});

api.run();
