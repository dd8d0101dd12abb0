/**
 * The relay's intake of signed orders on both stores (PGlite and PostgreSQL in a fresh schema): the meter, zone
 * and nonce checks on top of the signature (verifySignedOrder.test.ts), the queue row, and a replay or a race for
 * one nonce refused.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { privateKeyToAccount } from 'viem/accounts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { cancelOrderTypedData, listingDomain, placeOrderTypedData, type ListingOrder } from '../../shared/market/listingTypedData.ts';
import { insertChainEvents } from '../store/marketQueries/chainEvents.ts';
import { announceListingChain, recordListingNonce, type ListingChain } from '../store/marketQueries/listingChain.ts';
import { findSignedOrder, markSignedOrderFailed } from '../store/marketQueries/signedOrders.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { openPgliteTestStore, openPostgresTestStore, type TestStore } from '../test/testStores.ts';
import { acceptSignedCancelOrder, acceptSignedPlaceOrder } from './acceptSignedOrder.ts';
import { SignedOrderError } from './signedOrderError.ts';
import { readOwnerNonceState } from './signedOrderNonce.ts';

const owner = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const stranger = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const chain: ListingChain = { chainId: 31337, listing: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512' };
const domain = listingDomain(chain.chainId, chain.listing);
const NOW_S = 1_800_000_000;
const METER = '0x' + 'a1'.repeat(20);
const STRANGER_METER = '0x' + 'b2'.repeat(20);
const ZONE = 'feeder-7';

const order = (overrides: Partial<ListingOrder> = {}): ListingOrder => ({
  owner: owner.address, zone: zoneIdFromName(ZONE), side: 0, maxWhPerInterval: 500, limitPricePerKWh: 120_000n, validFromS: 0, validUntilS: NOW_S + 86_400, ...overrides,
});

async function signPlace(nonce: bigint, overrides: Partial<ListingOrder> = {}, signer = owner) {
  const o = order(overrides);
  const deadlineS = BigInt(NOW_S + 600);
  return { order: o, nonce, deadlineS, signature: await signer.signTypedData(placeOrderTypedData(domain, o, nonce, deadlineS)) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof SignedOrderError)) throw error;
    return error.code;
  }
  return 'accepted';
}

function defineIntakeSuite(name: string, open: () => Promise<TestStore>): void {
  const test = suite<TestStore>(`signed order intake on ${name}`);
  test.before(async (context) => {
    Object.assign(context, await open());
    await registerMeter(context.store.db, { address: METER, zone: ZONE, ownerAddress: owner.address, nameplateW: 5_000 });
    await registerMeter(context.store.db, { address: STRANGER_METER, zone: ZONE, ownerAddress: stranger.address });
  });
  test.after(async (context) => context.cleanup?.());

  test('without an announced EnergyListing every signed order is refused as listing_unavailable', async ({ store }) => {
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(0n), NOW_S)), 'listing_unavailable');
    await announceListingChain(store.db, chain);
  });

  test('the owner’s order is queued with its digest; the same body again is a replay: nonce_used', async ({ store }) => {
    const posted = await signPlace(0n);
    const queued = await acceptSignedPlaceOrder(store.db, METER, posted, NOW_S);
    assert.is(queued.status, 'queued');
    assert.is(queued.kind, 'place');
    assert.is(queued.owner, owner.address.toLowerCase());
    assert.equal(queued.order, { ...posted.order, owner: owner.address.toLowerCase() });
    assert.is(queued.nonce, 0n);
    assert.equal(await findSignedOrder(store.db, queued.id), queued);
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, posted, NOW_S)), 'nonce_used');
  });

  test('nonces in order: the next one is taken while the first waits, a skip is nonce_gap', async ({ store }) => {
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(2n, { side: 1 }), NOW_S)), 'nonce_gap');
    assert.is((await acceptSignedPlaceOrder(store.db, METER, await signPlace(1n, { side: 1, limitPricePerKWh: 0n }), NOW_S)).nonce, 1n);
    assert.equal(await readOwnerNonceState(store.db, chain, owner.address), { onChainNonce: 0n, pending: [0n, 1n], nextNonce: 2n });
  });

  test('a failed submission frees its nonce for a new signature; a nonce used on-chain is nonce_used', async ({ store }) => {
    const third = await acceptSignedPlaceOrder(store.db, METER, await signPlace(2n), NOW_S);
    await markSignedOrderFailed(store.db, third.id, 'signature_expired', 'test');
    assert.is((await readOwnerNonceState(store.db, chain, owner.address)).nextNonce, 2n);
    assert.is((await acceptSignedPlaceOrder(store.db, METER, await signPlace(2n, { limitPricePerKWh: 130_000n }), NOW_S)).nonce, 2n);
    await recordListingNonce(store.db, chain, owner.address, 5n);
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(4n), NOW_S)), 'nonce_used', 'below the on-chain nonce');
    await recordListingNonce(store.db, chain, owner.address, 3n);
    assert.is((await readOwnerNonceState(store.db, chain, owner.address)).onChainNonce, 5n, 'an older, smaller read never lowers the nonce');
  });

  test('two requests racing for one nonce: one row, the other nonce_used', async ({ store }) => {
    const a = await signPlace(5n, { limitPricePerKWh: 1n });
    const b = await signPlace(5n, { limitPricePerKWh: 2n });
    const codes = (await Promise.all([a, b].map((posted) => refusal(acceptSignedPlaceOrder(store.db, METER, posted, NOW_S))))).sort();
    assert.equal(codes, ['accepted', 'nonce_used']);
  });

  test('the meter checks: unknown_meter, not_meter_owner (signer owns another meter), wrong_zone; the signature is checked before the meter’s owner', async ({ store }) => {
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, '0x' + 'c3'.repeat(20), await signPlace(6n), NOW_S)), 'unknown_meter');
    const strangerOrder = await signPlace(0n, { owner: stranger.address }, stranger);
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, strangerOrder, NOW_S)), 'not_meter_owner');
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(6n, {}, stranger), NOW_S)), 'wrong_signer', 'a forged order for the owner tells nothing about the meter');
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(6n, { zone: zoneIdFromName('feeder-8') }), NOW_S)), 'wrong_zone');
    assert.is(await refusal(acceptSignedPlaceOrder(store.db, METER, await signPlace(6n), NOW_S + 700)), 'signature_expired');
  });

  test('a cancel: only of the owner’s indexed order in the meter’s zone, not twice cancelled, with the next nonce', async ({ store }) => {
    const placedArgs = (orderId: bigint, zone: bigint) => ({ orderId, owner: owner.address, zone, side: 0, maxWhPerInterval: 500, limitPricePerKWh: 120_000n, validFromS: 0, validUntilS: NOW_S + 86_400 });
    await insertChainEvents(store.db, [
      { txHash: '0x' + '01'.repeat(32), logIndex: 0, blockNumber: 10n, contract: chain.listing, eventName: 'OrderPlaced', args: placedArgs(7n, zoneIdFromName(ZONE)) },
      { txHash: '0x' + '01'.repeat(32), logIndex: 1, blockNumber: 10n, contract: chain.listing, eventName: 'OrderPlaced', args: placedArgs(8n, zoneIdFromName('elsewhere')) },
      { txHash: '0x' + '02'.repeat(32), logIndex: 0, blockNumber: 11n, contract: chain.listing, eventName: 'OrderPlaced', args: placedArgs(9n, zoneIdFromName(ZONE)) },
      { txHash: '0x' + '03'.repeat(32), logIndex: 0, blockNumber: 12n, contract: chain.listing, eventName: 'OrderCancelled', args: { orderId: 9n, owner: owner.address } },
    ]);
    const deadlineS = BigInt(NOW_S + 600);
    const cancel = async (orderId: bigint, nonce: bigint, signer = owner) => ({ owner: owner.address, orderId, nonce, deadlineS, signature: await signer.signTypedData(cancelOrderTypedData(domain, owner.address, orderId, nonce, deadlineS)) });
    assert.is(await refusal(acceptSignedCancelOrder(store.db, METER, await cancel(7n, 6n, stranger), NOW_S)), 'wrong_signer');
    assert.is(await refusal(acceptSignedCancelOrder(store.db, METER, await cancel(8n, 6n), NOW_S)), 'order_not_found', 'another zone');
    assert.is(await refusal(acceptSignedCancelOrder(store.db, METER, await cancel(99n, 6n), NOW_S)), 'order_not_found');
    assert.is(await refusal(acceptSignedCancelOrder(store.db, METER, await cancel(9n, 6n), NOW_S)), 'order_cancelled');
    const queued = await acceptSignedCancelOrder(store.db, METER, await cancel(7n, 6n), NOW_S);
    assert.is(queued.kind, 'cancel');
    assert.is(queued.orderId, 7n);
    assert.is(queued.order, null);
    assert.is(await refusal(acceptSignedCancelOrder(store.db, METER, await cancel(7n, 6n), NOW_S)), 'nonce_used');
  });

  test.run();
}

defineIntakeSuite('PGlite', openPgliteTestStore);

defineIntakeSuite('PostgreSQL', () => openPostgresTestStore('pet_signed_orders', 4));
