/**
 * Signed standing orders end to end on anvil with the deployed platform: households sign EIP-712 orders with viem
 * accounts, POST them to the relay's HTTP API, the market room's round sends them in one `placeSignedOrders`
 * batch and indexes the `OrderPlaced` events back, and GET standing-order shows them. Also: the digest recomputed
 * from the contract's own domain separator and type hash; a crash between broadcast and receipt (and before
 * broadcast) never places an order twice; an order someone else already placed with the same signature is
 * "already placed"; a refused order does not sink its batch; a signed cancel; a chain that does not answer.
 */
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { concat, decodeFunctionData, encodeAbiParameters, keccak256, parseEventLogs, toHex, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { energyListingAbi } from '../../contracts/deploy/abis.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { cancelOrderTypedData, listingDomain, placeOrderTypedData, placeOrderTypes, type ListingDomain, type ListingOrder } from '../../shared/market/listingTypedData.ts';
import { bearer, meterAddress, openWebFixture, ownerAccount, postJson, signInThroughApi, strangerAccount, type WebFixture } from '../../test/relay-web/webFixture.ts';
import { startMarketRoom, type MarketRoom } from '../startMarketRoom.ts';
import { readListingChain } from '../store/marketQueries/listingChain.ts';
import { findSignedOrder, insertSignedOrder, listMeterSignedOrders, type SignedOrderRecord } from '../store/marketQueries/signedOrders.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { createChainClients } from './chainClients.ts';
import { openChain, type ChainRoom } from './openChain.ts';
import { submitSignedOrders, type SubmitSignedOrdersDeps } from './submitSignedOrders.ts';

const ZONE = 'north';
const METER_A = meterAddress(1); // ownerAccount's
const METER_B = meterAddress(2); // strangerAccount's
const silent = pino({ level: 'silent' });

interface World {
  fixture: WebFixture;
  chain: ChainRoom;
  market: MarketRoom;
  domain: ListingDomain;
  tokenA: string;
  nowS: number;
}

const flow = suite<World>('signed standing orders on anvil');

flow.before(async (world) => {
  world.fixture = await openWebFixture();
  const db = world.fixture.store.db;
  world.chain = await openChain({ db });
  world.nowS = Math.floor(Date.now() / 1000);
  world.domain = listingDomain(world.chain.clients.chain.id, world.chain.addresses.energyListing.toLowerCase() as Hex);
  await registerMeter(db, { address: METER_A, zone: ZONE, ownerAddress: ownerAccount.address, nameplateW: 6_000 });
  await registerMeter(db, { address: METER_B, zone: ZONE, ownerAddress: strangerAccount.address, nameplateW: 4_000 });
  // A long tick: the test runs each round itself.
  world.market = await startMarketRoom({ db, logger: silent, params: parseTradingParameters({ PET_INTERVAL_SECONDS: '900' }), relayId: 'relay-test', tickMs: 3_600_000, chain: { clients: world.chain.clients, addresses: world.chain.addresses } });
  world.tokenA = await signInThroughApi(world.fixture.app, ownerAccount);
});

flow.after(async (world) => {
  await world.market?.stop();
  await world.chain?.stop();
  await world.fixture?.close();
});

function order(world: World, signer: PrivateKeyAccount, overrides: Partial<ListingOrder> = {}): ListingOrder {
  return { owner: signer.address, zone: zoneIdFromName(ZONE), side: 0, maxWhPerInterval: 1_500, limitPricePerKWh: 120_000n, validFromS: world.nowS, validUntilS: world.nowS + 86_400, ...overrides };
}

async function signedBody(world: World, signer: PrivateKeyAccount, nonce: bigint, overrides: Partial<ListingOrder> = {}) {
  const o = order(world, signer, overrides);
  const deadlineS = BigInt(world.nowS + 3_600);
  const signature = await signer.signTypedData(placeOrderTypedData(world.domain, o, nonce, deadlineS));
  return { order: { ...o, zone: o.zone.toString(), limitPricePerKWh: Number(o.limitPricePerKWh) }, nonce: nonce.toString(), deadlineS: deadlineS.toString(), signature };
}

async function post(world: World, meter: string, body: unknown, route = 'signed'): Promise<{ id: number; status: string; digest: Hex }> {
  const response = await world.fixture.app.request(`/api/v1/meters/${meter}/standing-order/${route}`, postJson(body));
  const json = (await response.json()) as { id: number; status: string; digest: Hex; error?: unknown };
  assert.is(response.status, 202, JSON.stringify(json));
  return json;
}

const row = async (world: World, id: number) => (await findSignedOrder(world.fixture.store.db, id))!;
const nonceOf = (world: World, owner: Hex) => world.chain.clients.publicClient.readContract({ address: world.chain.addresses.energyListing, abi: energyListingAbi, functionName: 'nonces', args: [owner] });

async function standingOrder(world: World, meter: string, token: string) {
  return (await (await world.fixture.app.request(`/api/v1/meters/${meter}/standing-order`, bearer(token))).json()) as { minSellPriceMicroPerKWh: number | null; sell: unknown; buy: unknown; nameplateW: number };
}

const depsOf = (world: World, extra: Partial<SubmitSignedOrdersDeps> = {}): SubmitSignedOrdersDeps => ({ db: world.fixture.store.db, clients: world.chain.clients, listing: world.chain.addresses.energyListing, logger: silent, ...extra });

flow('the market room announces its EnergyListing to the web room', async (world) => {
  assert.equal(await readListingChain(world.fixture.store.db), { chainId: world.chain.clients.chain.id, listing: world.domain.verifyingContract });
});

flow('two households sign, POST, one round sends all three orders in one placeSignedOrders batch, the indexer applies them, GET standing-order shows them', async (world) => {
  const offerA = await post(world, METER_A, await signedBody(world, ownerAccount, 0n));
  const bidA = await post(world, METER_A, await signedBody(world, ownerAccount, 1n, { side: 1, limitPricePerKWh: 0n, maxWhPerInterval: 500 }));
  const offerB = await post(world, METER_B, await signedBody(world, strangerAccount, 0n, { limitPricePerKWh: 95_000n }));
  await world.market.runRound();

  const rows = await Promise.all([offerA, bidA, offerB].map((posted) => row(world, posted.id)));
  assert.equal(rows.map((r) => r.status), ['confirmed', 'confirmed', 'confirmed']);
  const txHash = rows[0]!.txHash!;
  assert.ok(rows.every((r) => r.txHash === txHash), 'one transaction');
  const tx = await world.chain.clients.publicClient.getTransaction({ hash: txHash });
  const call = decodeFunctionData({ abi: energyListingAbi, data: tx.input });
  assert.is(call.functionName, 'placeSignedOrders');
  assert.is((call.args![0] as unknown[]).length, 3, 'a batch of three');
  assert.is(tx.from.toLowerCase(), world.chain.clients.account.address.toLowerCase(), 'the relay paid the gas');
  for (const r of rows) {
    const [onChain, isActive] = await world.chain.clients.publicClient.readContract({ address: world.chain.addresses.energyListing, abi: energyListingAbi, functionName: 'orderOf', args: [r.orderId!] });
    assert.ok(isActive);
    assert.equal({ ...onChain, owner: onChain.owner.toLowerCase() }, r.order, `order ${r.orderId} on-chain is the row's order`);
  }
  assert.is(await nonceOf(world, ownerAccount.address), 2n);
  assert.is(await nonceOf(world, strangerAccount.address), 1n);

  const standingA = await standingOrder(world, METER_A, world.tokenA);
  assert.equal(standingA.sell, { kind: 'limit', priceMicroPerKWh: 120_000 });
  assert.equal(standingA.buy, { kind: 'auto' });
  assert.is(standingA.nameplateW, 2_000, 'the bid’s 500 Wh per 900 s interval caps the meter at 2 000 W');
  const tokenB = await signInThroughApi(world.fixture.app, strangerAccount);
  assert.equal((await standingOrder(world, METER_B, tokenB)).sell, { kind: 'limit', priceMicroPerKWh: 95_000 });

  const context = (await (await world.fixture.app.request(`/api/v1/meters/${METER_A}/standing-order/signed`, bearer(world.tokenA))).json()) as { nextNonce: string; orders: { orderId: string }[] };
  assert.is(context.nextNonce, '2');
  assert.equal(context.orders.map((o) => o.orderId), [rows[0]!.orderId!.toString(), rows[1]!.orderId!.toString()], 'the owner’s active orders in the zone, as indexed');
});

flow('the relay’s digest is the contract’s: recomputed from EnergyListing’s own domainSeparator() and ORDER_TYPEHASH', async (world) => {
  const { publicClient } = world.chain.clients;
  const listing = world.chain.addresses.energyListing;
  const separator = await publicClient.readContract({ address: listing, abi: energyListingAbi, functionName: 'domainSeparator' });
  const typeHash = await publicClient.readContract({ address: listing, abi: energyListingAbi, functionName: 'ORDER_TYPEHASH' });
  const domainTypeHash = keccak256(toHex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'));
  const expectedSeparator = keccak256(
    encodeAbiParameters(['bytes32', 'bytes32', 'bytes32', 'uint256', 'address'].map((type) => ({ type })), [domainTypeHash, keccak256(toHex('PeerEnergyListing')), keccak256(toHex('1')), BigInt(world.domain.chainId), world.domain.verifyingContract]),
  );
  assert.is(separator, expectedSeparator, 'EIP-712 domain separator of ("PeerEnergyListing", "1", chain id, listing)');
  assert.is(typeHash, keccak256(toHex(`PlaceOrder(${placeOrderTypes.PlaceOrder.map((f) => `${f.type} ${f.name}`).join(',')})`)));
  const stored = (await listMeterSignedOrders(world.fixture.store.db, METER_A, 50)).find((r) => r.nonce === 0n && r.status === 'confirmed')!;
  const o = stored.order!;
  const structHash = keccak256(
    encodeAbiParameters(
      ['bytes32', 'address', 'uint64', 'uint8', 'uint32', 'uint96', 'uint32', 'uint32', 'uint256', 'uint256'].map((type) => ({ type })),
      [typeHash, o.owner, o.zone, o.side, o.maxWhPerInterval, o.limitPricePerKWh, o.validFromS, o.validUntilS, stored.nonce, stored.deadlineS],
    ),
  );
  assert.is(stored.digest, keccak256(concat(['0x1901', separator, structHash])), 'keccak256(0x1901 ‖ domainSeparator ‖ structHash) with the contract’s values');
});

flow('a replayed order: the API refuses it (409 nonce_used) and the chain reverts it (InvalidAccountNonce)', async (world) => {
  const first = await signedBody(world, ownerAccount, 0n);
  const response = await world.fixture.app.request(`/api/v1/meters/${METER_A}/standing-order/signed`, postJson(first));
  assert.is(response.status, 409);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'nonce_used');
  const signedOrder = { order: { ...order(world, ownerAccount) }, nonce: 0n, deadlineS: BigInt(first.deadlineS), signature: first.signature as Hex };
  const strangerWallet = world.chain.clients.walletFor('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
  try {
    await world.chain.clients.publicClient.simulateContract({ address: world.chain.addresses.energyListing, abi: energyListingAbi, functionName: 'placeSignedOrders', args: [[signedOrder]], account: strangerWallet.account });
    assert.unreachable('the replay should revert');
  } catch (error) {
    assert.match((error as Error).message, /InvalidAccountNonce/);
  }
});

flow('a crash after broadcasting, before the receipt: the restarted submitter confirms with the transaction already sent, nothing placed twice', async (world) => {
  const posted = await post(world, METER_A, await signedBody(world, ownerAccount, 2n, { limitPricePerKWh: 150_000n }));
  let crashedTx: Hex | undefined;
  let reached!: () => void;
  const broadcast = new Promise<void>((resolve) => (reached = resolve));
  void submitSignedOrders(depsOf(world, { afterBroadcast: async (txHash) => { crashedTx = txHash; reached(); await new Promise(() => {}); } }));
  await broadcast;
  const sent = await row(world, posted.id);
  assert.is(sent.status, 'sent');
  assert.is(sent.txHash, crashedTx, 'stored before broadcasting');
  assert.ok(sent.rawTx);

  const result = await submitSignedOrders(depsOf(world));
  assert.is(result.transactions, 0, 'no second transaction');
  const confirmed = await row(world, posted.id);
  assert.is(confirmed.status, 'confirmed');
  assert.is(confirmed.txHash, crashedTx);
  assert.is(await nonceOf(world, ownerAccount.address), 3n);
  const logs = await world.chain.clients.publicClient.getLogs({ address: world.chain.addresses.energyListing, event: energyListingAbi.find((item) => item.type === 'event' && item.name === 'OrderPlaced') as never, fromBlock: 0n });
  const parsed = parseEventLogs({ abi: energyListingAbi, logs, eventName: 'OrderPlaced' });
  assert.is(parsed.filter((log) => log.args.limitPricePerKWh === 150_000n).length, 1, 'placed once');
});

flow('a crash after storing the signed transaction, before broadcasting: the same bytes are sent after the restart', async (world) => {
  const posted = await post(world, METER_A, await signedBody(world, ownerAccount, 3n, { limitPricePerKWh: 160_000n }));
  let reached!: () => void;
  const stored = new Promise<void>((resolve) => (reached = resolve));
  void submitSignedOrders(depsOf(world, { beforeBroadcast: async () => { reached(); await new Promise(() => {}); } }));
  await stored;
  const sent = await row(world, posted.id);
  assert.is(sent.status, 'sent');
  const result = await submitSignedOrders(depsOf(world));
  assert.is(result.transactions, 1);
  const confirmed = await row(world, posted.id);
  assert.is(confirmed.status, 'confirmed');
  assert.is(confirmed.txHash, sent.txHash, 'the transaction signed before the crash');
  assert.is(await nonceOf(world, ownerAccount.address), 4n);
});

flow('an order someone else already placed with the household’s signature is confirmed as already placed', async (world) => {
  const body = await signedBody(world, ownerAccount, 4n, { limitPricePerKWh: 170_000n });
  const posted = await post(world, METER_A, body);
  const wallet = world.chain.clients.walletFor('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
  const signedOrder = { order: order(world, ownerAccount, { limitPricePerKWh: 170_000n }), nonce: 4n, deadlineS: BigInt(body.deadlineS), signature: body.signature as Hex };
  const hash = await wallet.writeContract({ address: world.chain.addresses.energyListing, abi: energyListingAbi, functionName: 'placeSignedOrders', args: [[signedOrder]] });
  await world.chain.clients.publicClient.waitForTransactionReceipt({ hash });
  const result = await submitSignedOrders(depsOf(world));
  assert.equal({ confirmed: result.confirmed, transactions: result.transactions }, { confirmed: 1, transactions: 0 });
  const confirmed = await row(world, posted.id);
  assert.is(confirmed.status, 'confirmed');
  assert.is(confirmed.txHash, hash, 'the transaction that placed it');
});

flow('an order the contract refuses is failed with its code and left out; the rest of the batch is placed', async (world) => {
  const db = world.fixture.store.db;
  const chain = (await readListingChain(db))!;
  // Queued behind the API's back, as a row the chain refuses: signed by another key than its owner.
  const bad = order(world, strangerAccount, { limitPricePerKWh: 1n });
  const badRow = (await insertSignedOrder(db, chain, {
    kind: 'place', owner: strangerAccount.address, meter: METER_B, order: bad, cancelOrderId: null, nonce: 1n, deadlineS: BigInt(world.nowS + 3_600),
    signature: await ownerAccount.signTypedData(placeOrderTypedData(world.domain, bad, 1n, BigInt(world.nowS + 3_600))), digest: ('0x' + '0'.repeat(64)) as Hex,
  }))!;
  const good = await post(world, METER_A, await signedBody(world, ownerAccount, 5n, { side: 1, limitPricePerKWh: 310_000n }));
  const result = await submitSignedOrders(depsOf(world));
  assert.equal({ confirmed: result.confirmed, failed: result.failed, transactions: result.transactions }, { confirmed: 1, failed: 1, transactions: 1 });
  const refused: SignedOrderRecord = await row(world, badRow.id);
  assert.is(refused.status, 'failed');
  assert.is(refused.failureCode, 'wrong_signer');
  assert.match(refused.lastError ?? '', /SignerNotOwner/);
  assert.is((await row(world, good.id)).status, 'confirmed');
  assert.is(await nonceOf(world, strangerAccount.address), 1n, 'the refused order used no nonce');
});

flow('a signed cancel is sent with cancelSignedOrder; the indexer drops it and the owner’s older live offer applies again', async (world) => {
  await world.market.runRound(); // index what the direct submitter rounds placed
  const standing = await standingOrder(world, METER_A, world.tokenA);
  assert.equal(standing.sell, { kind: 'limit', priceMicroPerKWh: 170_000 });
  const context = (await (await world.fixture.app.request(`/api/v1/meters/${METER_A}/standing-order/signed`, bearer(world.tokenA))).json()) as { nextNonce: string; orders: { orderId: string; side: number; limitPricePerKWh: number }[] };
  const offer = context.orders.find((o) => o.side === 0 && o.limitPricePerKWh === 170_000)!;
  const nonce = BigInt(context.nextNonce);
  const deadlineS = BigInt(world.nowS + 3_600);
  const signature = await ownerAccount.signTypedData(cancelOrderTypedData(world.domain, ownerAccount.address, BigInt(offer.orderId), nonce, deadlineS));
  const posted = await post(world, METER_A, { owner: ownerAccount.address, orderId: offer.orderId, nonce: nonce.toString(), deadlineS: deadlineS.toString(), signature }, 'signed-cancel');
  await world.market.runRound();
  const cancelled = await row(world, posted.id);
  assert.is(cancelled.status, 'confirmed');
  const tx = await world.chain.clients.publicClient.getTransaction({ hash: cancelled.txHash! });
  assert.is(decodeFunctionData({ abi: energyListingAbi, data: tx.input }).functionName, 'cancelSignedOrder');
  // Orders are never edited on-chain: the offer signed before (0.16) is still live, and takes over again.
  assert.equal((await standingOrder(world, METER_A, world.tokenA)).sell, { kind: 'limit', priceMicroPerKWh: 160_000 }, 'the cancelled offer no longer sells');
});

flow('a chain that does not answer: queued orders wait with backoff, none is failed', async (world) => {
  const posted = await post(world, METER_B, await signedBody(world, strangerAccount, 1n, { limitPricePerKWh: 99_000n }));
  const deadClients = createChainClients('http://127.0.0.1:1', world.chain.clients.chain.id, world.chain.accounts.relayKey);
  const result = await submitSignedOrders({ ...depsOf(world), clients: deadClients });
  assert.equal({ failed: result.failed, transactions: result.transactions, waiting: result.waiting }, { failed: 0, transactions: 0, waiting: 1 });
  const waiting = await row(world, posted.id);
  assert.is(waiting.status, 'queued');
  assert.is(waiting.attempts, 1);
  assert.ok(waiting.lastError);
});

flow.run();
