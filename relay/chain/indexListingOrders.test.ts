import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { energyListingAbi } from '../../contracts/deploy/abis.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { listStandingOrders } from '../store/marketQueries/standingOrders.ts';
import { openStore } from '../store/openStore.ts';
import { registerMeter } from '../store/queries/registerMeter.ts';
import { indexListingOrders } from './indexListingOrders.ts';
import { openChain } from './openChain.ts';

test('an offer and a bid placed on EnergyListing become the owner meter’s standing order; cancelling clears the side; each log applies once', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: store.db });
  try {
    const ownerKey = chain.accounts.safeOwnerKeys[0]!;
    const owner = privateKeyToAccount(ownerKey).address;
    const meter = '0x' + '7'.repeat(40);
    await registerMeter(store.db, { address: meter, zone: 'feeder-9', ownerAddress: owner, nameplateW: 8000 });
    const wallet = chain.clients.walletFor(ownerKey);
    const listing = chain.addresses.energyListing;
    const { publicClient } = chain.clients;
    const place = async (side: number, limitPricePerKWh: bigint, maxWhPerInterval: number) => {
      const order = { owner, zone: zoneIdFromName('feeder-9'), side, maxWhPerInterval, limitPricePerKWh, validFromS: 0, validUntilS: 4_000_000_000 };
      const hash = await wallet.writeContract({ address: listing, abi: energyListingAbi, functionName: 'placeOrder', args: [order] } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const [placed] = parseEventLogs({ abi: energyListingAbi, logs: receipt.logs, eventName: 'OrderPlaced' });
      return (placed!.args as { orderId: bigint }).orderId;
    };
    const offerId = await place(0, 120_000n, 500); // offer: at least 0.12 per kWh, at most 500 Wh per interval
    await place(1, 0n, 2000); // bid: auto
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 2);
    let [standing] = await listStandingOrders(store.db);
    assert.equal(standing?.standing.sell, { kind: 'limit', priceMicroPerKWh: 120_000 });
    assert.equal(standing?.standing.buy, { kind: 'auto' });
    assert.is(standing?.standing.participant, owner.toLowerCase());
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 0, 'nothing new: the cursor moved on');

    const hash = await wallet.writeContract({ address: listing, abi: energyListingAbi, functionName: 'cancelOrder', args: [offerId] } as never);
    await publicClient.waitForTransactionReceipt({ hash });
    assert.is(await indexListingOrders(store.db, chain.clients, listing, 900), 1);
    [standing] = await listStandingOrders(store.db);
    assert.is(standing?.standing.sell, undefined, 'the cancelled offer no longer sells');
    assert.equal(standing?.standing.buy, { kind: 'auto' });
  } finally {
    await chain.stop();
    await store.close();
  }
});

test.run();
