import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { energyListingAbi } from '../../contracts/deploy/abis.ts';
import { defaultTradingParameters } from '../../shared/config/tradingParameters.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { buildIntervalOrders } from '../market/buildIntervalOrders.ts';
import { listStandingOrders } from '../store/marketQueries/standingOrders.ts';
import { openStore, type Store } from '../store/openStore.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { indexListingOrders } from './indexListingOrders.ts';
import { openChain } from './openChain.ts';

type ChainUnderTest = Awaited<ReturnType<typeof openChain>>;

/**
 * An owner of one of the chain's accounts with a registered meter in `zone`, and the means to place and cancel its
 * orders on EnergyListing (each waits for its receipt).
 */
async function listingOwner(store: Store, chain: ChainUnderTest, accountIndex: number, meter: string, zone: string) {
  const ownerKey = chain.accounts.safeOwnerKeys[accountIndex]!;
  const owner = privateKeyToAccount(ownerKey).address;
  await registerMeter(store.db, { address: meter, zone, ownerAddress: owner, nameplateW: 8000 });
  const wallet = chain.clients.walletFor(ownerKey);
  const listing = chain.addresses.energyListing;
  const { publicClient } = chain.clients;
  const place = async (terms: { side: number; maxWhPerInterval: number; limitPricePerKWh: bigint; validFromS: number; validUntilS: number }) => {
    const order = { owner, zone: zoneIdFromName(zone), ...terms };
    const hash = await wallet.writeContract({ address: listing, abi: energyListingAbi, functionName: 'placeOrder', args: [order] } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [placed] = parseEventLogs({ abi: energyListingAbi, logs: receipt.logs, eventName: 'OrderPlaced' });
    return (placed!.args as { orderId: bigint }).orderId;
  };
  const cancel = async (orderId: bigint) => {
    const hash = await wallet.writeContract({ address: listing, abi: energyListingAbi, functionName: 'cancelOrder', args: [orderId] } as never);
    await publicClient.waitForTransactionReceipt({ hash });
  };
  return { owner, listing, place, cancel };
}

test('an offer and a bid placed on EnergyListing become the owner meter’s standing order; cancelling clears the side; each log applies once', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: store.db });
  try {
    const { owner, listing, place: placeOrder, cancel } = await listingOwner(store, chain, 0, '0x' + '7'.repeat(40), 'feeder-9');
    const place = (side: number, limitPricePerKWh: bigint, maxWhPerInterval: number) =>
      placeOrder({ side, maxWhPerInterval, limitPricePerKWh, validFromS: 0, validUntilS: 4_000_000_000 });
    const offerId = await place(0, 120_000n, 500); // offer: at least 0.12 per kWh, at most 500 Wh per interval
    await place(1, 0n, 2000); // bid: auto
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 2);
    let [standing] = await listStandingOrders(store.db);
    assert.equal(standing?.standing.sell, { kind: 'limit', priceMicroPerKWh: 120_000 });
    assert.equal(standing?.standing.buy, { kind: 'auto' });
    assert.is(standing?.standing.participant, owner.toLowerCase());
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 0, 'nothing new: the cursor moved on');

    await cancel(offerId);
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 1);
    [standing] = await listStandingOrders(store.db);
    assert.is(standing?.standing.sell, undefined, 'the cancelled offer no longer sells');
    assert.equal(standing?.standing.buy, { kind: 'auto' });
  } finally {
    await chain.stop();
    await store.close();
  }
});

test('an order keeps its window and sells only in intervals inside it; an ended newer order does not hide an older one; cancelling the newer shows the older', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: store.db });
  try {
    const meter = '0x' + '8'.repeat(40);
    const { listing, place: placeOrder, cancel } = await listingOwner(store, chain, 1, meter, 'feeder-8');
    const place = (limitPricePerKWh: bigint, validFromS: number, validUntilS: number) =>
      placeOrder({ side: 0, maxWhPerInterval: 2000, limitPricePerKWh, validFromS, validUntilS });
    const chainNowS = Number((await chain.clients.publicClient.getBlock()).timestamp);
    const windowStartS = Math.ceil(chainNowS / 900) * 900 + 3600; // an interval boundary an hour or more ahead
    const window = { validFromS: windowStartS, validUntilS: windowStartS + 1800 }; // two 15-minute intervals

    const sellPriceIn = async (intervalStartS: number): Promise<number | undefined> => {
      const [stored] = await listStandingOrders(store.db);
      const input = { meter, standing: stored!.standing, sides: stored!.sides, historyNetWh: [400, 400] };
      return buildIntervalOrders([input], intervalStartS, 900, defaultTradingParameters).orders[0]?.order.limitPriceMicroPerKWh;
    };

    const shortId = await place(150_000n, window.validFromS, window.validUntilS);
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 1);
    let [stored] = await listStandingOrders(store.db);
    assert.equal(stored?.standing.sell, { kind: 'limit', priceMicroPerKWh: 150_000 });
    assert.equal(stored?.windows.sell, window, 'indexed with its window');
    assert.equal(
      [await sellPriceIn(windowStartS - 900), await sellPriceIn(windowStartS), await sellPriceIn(windowStartS + 900), await sellPriceIn(windowStartS + 1800)],
      [undefined, 150_000, 150_000, undefined],
      'sells only in the two intervals inside the window',
    );

    await cancel(shortId);
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 1);
    assert.is(await sellPriceIn(windowStartS), undefined, 'cancelled: no sell side');

    // An older long offer, then a newer short one: the short one applies inside its window, the long one around it.
    const longWindow = { validFromS: 0, validUntilS: 4_000_000_000 };
    await place(100_000n, longWindow.validFromS, longWindow.validUntilS);
    const newerId = await place(150_000n, window.validFromS, window.validUntilS);
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 2);
    [stored] = await listStandingOrders(store.db);
    assert.equal([stored?.standing.sell, stored?.windows.sell], [{ kind: 'limit', priceMicroPerKWh: 150_000 }, window], 'the side shows the newest order');
    assert.equal(
      [await sellPriceIn(windowStartS - 900), await sellPriceIn(windowStartS), await sellPriceIn(windowStartS + 900), await sellPriceIn(windowStartS + 1800)],
      [100_000, 150_000, 150_000, 100_000],
      'the newer offer inside its window; the older one before it starts and after it ends',
    );

    await cancel(newerId);
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 1);
    [stored] = await listStandingOrders(store.db);
    assert.equal([stored?.standing.sell, stored?.windows.sell], [{ kind: 'limit', priceMicroPerKWh: 100_000 }, longWindow], 'cancelling the newer shows the older again');
    assert.is(await sellPriceIn(windowStartS), 100_000);
  } finally {
    await chain.stop();
    await store.close();
  }
});

test.run();
