/**
 * The dashboard's "Sign with wallet" path against the relay's real HTTP app (fetch routed into `createApp` over a
 * PGlite store) and a wallet that answers `eth_signTypedData_v4` the way wallets do: it parses the JSON text,
 * reads the integers from their decimal strings by the declared types, and signs with a viem account.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PrivateKeyAccount } from 'viem/accounts';
import { zoneIdFromName } from '../../../../contracts/deploy/zoneId.ts';
import { listingDomain, typedDataV4Json } from '../../../../shared/market/listingTypedData.ts';
import { verifySignedPlaceOrder } from '../../../market/verifySignedOrder.ts';
import { announceListingChain } from '../../../store/marketQueries/listingChain.ts';
import { listMeterSignedOrders } from '../../../store/marketQueries/signedOrders.ts';
import { registerMeter } from '../../../store/queries/registerMeter.ts';
import { meterAddress, openWebFixture, ownerAccount, signInThroughApi, strangerAccount, type WebFixture } from '../../../../test/relay-web/webFixture.ts';
import { useSessionToken } from './apiClient.ts';
import { planStandingOrders, signStandingOrder, type SigningContext } from './signStandingOrder.ts';
import type { Eip1193Provider } from './walletSignIn.ts';

const LISTING = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512';
const METER = meterAddress(1);
const NOW_S = 1_800_000_000;

/** An EIP-1193 wallet over a viem account; `signed` counts the signatures it gave. */
function walletOf(account: PrivateKeyAccount): Eip1193Provider & { signed: number } {
  const wallet = {
    signed: 0,
    async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
      if (method === 'eth_requestAccounts') return [account.address];
      if (method !== 'eth_signTypedData_v4') throw new Error(`unsupported ${method}`);
      const [address, json] = params as [string, string];
      if (address.toLowerCase() !== account.address.toLowerCase()) throw new Error(`unknown account ${address}`);
      const typed = JSON.parse(json) as { types: Record<string, { name: string; type: string }[]>; domain: Record<string, unknown>; primaryType: string; message: Record<string, unknown> };
      const { EIP712Domain: domainFields, ...types } = typed.types;
      assert.equal(domainFields?.map((f) => f.name), ['name', 'version', 'chainId', 'verifyingContract'], 'the domain type travels with the data');
      const message = Object.fromEntries(types[typed.primaryType]!.map((f) => [f.name, f.type.startsWith('uint') ? BigInt(String(typed.message[f.name])) : typed.message[f.name]]));
      wallet.signed += 1;
      return account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message } as never);
    },
  };
  return wallet;
}

const context: SigningContext = { owner: ownerAccount.address.toLowerCase(), zoneId: zoneIdFromName('north').toString(), domain: listingDomain(31337, LISTING), nextNonce: '4', nameplateW: 5_000 };

const plan = suite('planStandingOrders');

plan('an offer at the minimum and a bid at the maximum ("auto" = 0), consecutive nonces, a year’s window, an hour to sign', () => {
  const [offer, bid] = planStandingOrders(context, { minSellPriceMicroPerKWh: 125_000, maxBuyPriceMicroPerKWh: null }, NOW_S + 0.7);
  assert.equal(offer!.body, {
    order: { owner: context.owner, zone: context.zoneId, side: 0, maxWhPerInterval: 5_000, limitPricePerKWh: 125_000, validFromS: NOW_S, validUntilS: NOW_S + 365 * 86_400 },
    nonce: '4',
    deadlineS: String(NOW_S + 3_600),
  });
  assert.is(bid!.body.order.side, 1);
  assert.is(bid!.body.order.limitPricePerKWh, 0);
  assert.is(bid!.body.nonce, '5');
  assert.is(planStandingOrders({ ...context, nameplateW: null }, { minSellPriceMicroPerKWh: null, maxBuyPriceMicroPerKWh: null }, NOW_S)[0]!.body.order.maxWhPerInterval, 0xffff_ffff, 'no nameplate: no cap');
});

plan('what the wallet signs from the v4 JSON passes the relay’s own check', async () => {
  const [offer] = planStandingOrders(context, { minSellPriceMicroPerKWh: 125_000, maxBuyPriceMicroPerKWh: 300_000 }, NOW_S);
  const signature = (await walletOf(ownerAccount).request({ method: 'eth_signTypedData_v4', params: [ownerAccount.address, typedDataV4Json(offer!.typed)] })) as `0x${string}`;
  const { nonce, deadlineS, ...order } = offer!.typed.message;
  const verified = await verifySignedPlaceOrder(context.domain, { order, nonce, deadlineS, signature }, NOW_S);
  assert.match(verified.digest, /^0x[0-9a-f]{64}$/);
});

plan.run();

const flow = suite<{ fixture: WebFixture; realFetch: typeof fetch }>('Sign with wallet against the relay’s API');

flow.before(async (world) => {
  world.fixture = await openWebFixture();
  await registerMeter(world.fixture.store.db, { address: METER, zone: 'north', ownerAddress: ownerAccount.address, nameplateW: 6_000 });
  world.realFetch = globalThis.fetch;
  globalThis.fetch = ((input: string, init?: RequestInit) => world.fixture.app.request(input, init)) as typeof fetch;
  useSessionToken(await signInThroughApi(world.fixture.app, ownerAccount));
});
flow.after(async (world) => {
  globalThis.fetch = world.realFetch;
  useSessionToken(undefined);
  await world.fixture.close();
});

flow('without an EnergyListing the page says so and asks the wallet for nothing', async ({ fixture }) => {
  const wallet = walletOf(ownerAccount);
  const outcome = await signStandingOrder(METER, { minSellPriceMicroPerKWh: 120_000, maxBuyPriceMicroPerKWh: null }, wallet);
  assert.equal(outcome, { ok: false, message: 'This relay takes no signed orders yet; use Save.' });
  assert.is(wallet.signed, 0);
  await announceListingChain(fixture.store.db, { chainId: 31337, listing: LISTING });
});

flow('a wallet on another account than the meter’s owner is told so before signing', async () => {
  const wallet = walletOf(strangerAccount);
  const outcome = await signStandingOrder(METER, { minSellPriceMicroPerKWh: 120_000, maxBuyPriceMicroPerKWh: null }, wallet);
  assert.is(outcome.ok, false);
  assert.match(outcome.message, /is not this meter's owner/);
  assert.is(wallet.signed, 0);
});

flow('the owner’s wallet signs both sides; the relay queues an offer and a bid with nonces 0 and 1', async ({ fixture }) => {
  const wallet = walletOf(ownerAccount);
  const outcome = await signStandingOrder(METER, { minSellPriceMicroPerKWh: 120_000, maxBuyPriceMicroPerKWh: null }, wallet);
  assert.is(outcome.ok, true, outcome.message);
  assert.is(wallet.signed, 2);
  const queued = await listMeterSignedOrders(fixture.store.db, METER, 10);
  assert.equal(queued.map((row) => `${row.nonce} ${row.order?.side} ${row.order?.limitPricePerKWh} ${row.status}`).sort(), ['0 0 120000 queued', '1 1 0 queued']);
  const again = await signStandingOrder(METER, { minSellPriceMicroPerKWh: 130_000, maxBuyPriceMicroPerKWh: 280_000 }, wallet);
  assert.is(again.ok, true, 'the next signature takes the next nonces');
  assert.equal((await listMeterSignedOrders(fixture.store.db, METER, 10)).map((row) => row.nonce).sort(), [0n, 1n, 2n, 3n]);
});

flow.run();
