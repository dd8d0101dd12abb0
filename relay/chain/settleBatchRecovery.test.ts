/**
 * Restart safety of `settleBatchOnChain` on a real chain: a crash after the signed transaction was persisted but
 * before it was broadcast, and a second relay holding the same batch — each settles the interval exactly once.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keccak256, toBytes, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { settlementBatchKey } from '../market/prepareSettlementBatch.ts';
import { findBatch } from '../store/marketQueries/settlementBatches.ts';
import { openStore, type Store } from '../store/openStore.ts';
import { encodeSellers, encodeTrades } from './encodeSettlementCalldata.ts';
import { fundEscrow } from './fundEscrow.ts';
import { openChain } from './openChain.ts';
import { registerMetersOnChain } from './registerMetersOnChain.ts';
import { settleBatchOnChain } from './settleBatchOnChain.ts';
import { platformAbis } from './platformAbis.ts';

const ZONE = 'feeder-r';

async function storeBatch(store: Store, startS: number, endS: number, sellersHex: Hex, tradesHex: Hex): Promise<void> {
  const chainZone = zoneIdFromName(ZONE);
  await store.db.execute(sql`INSERT INTO market_intervals (zone, interval_start_s, interval_end_s, clearing_price_micro_per_kwh, auto_price_micro_per_kwh, order_count, trade_count, cleared_wh, cleared_by)
    VALUES (${ZONE}, ${startS}, ${endS}, 150000, 150000, 2, 1, 300, 'relay-a')`);
  await store.db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro)
    VALUES (${ZONE}, ${startS}, ${chainZone.toString()}, ${settlementBatchKey(chainZone, startS)}, 'built', 150000, ${sellersHex}, ${tradesHex}, 1, 300, 45000)`);
}

test('a crash between persisting and broadcasting rebroadcasts the same transaction; another relay holding the batch confirms without paying again', async () => {
  const storeA = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const storeB = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: storeA.db });
  try {
    const meter = deriveMeterKey('recovery', 0);
    const seller = privateKeyToAccount(keccak256(toBytes('recovery/seller')) as Hex).address;
    const buyer = privateKeyToAccount(keccak256(toBytes('recovery/buyer')) as Hex).address;
    await registerMetersOnChain(chain.clients, chain.addresses.meterRegistry, [{ address: meter.address, owner: seller, zone: ZONE, nameplateW: 5000, technology: 1 }]);
    await fundEscrow(chain.clients, chain.addresses.settlementToken, chain.addresses.tradingMarketplace, buyer, 1_000_000n);
    const now = Number((await chain.clients.publicClient.getBlock()).timestamp);
    const startS = Math.floor((now - 3600) / 900) * 900;
    const seal = signSeal({ v: 1, kind: 'seal', meter: meter.address, seq: 3, prev: ZERO_DIGEST_HEX, startS, endS: startS + 900, importStartWh: 0, importEndWh: 0, exportStartWh: 100, exportEndWh: 600, sampleCount: 30 }, meter.privateKey);
    const sellersHex = encodeSellers([{ seller, seal }]);
    const tradesHex = encodeTrades([{ buyer, sellerIndex: 0, energyWh: 300 }]);
    await storeBatch(storeA, startS, startS + 900, sellersHex, tradesHex);
    await storeBatch(storeB, startS, startS + 900, sellersHex, tradesHex);

    const deps = { db: storeA.db, clients: chain.clients, marketplace: chain.addresses.tradingMarketplace, logger: pino({ level: 'silent' }) };
    let persistedHash: Hex | undefined;
    const crashed = await settleBatchOnChain(
      { ...deps, beforeBroadcast: async (_batch, txHash) => {
        persistedHash = txHash;
        throw new Error('power cut');
      } },
      (await findBatch(storeA.db, ZONE, startS))!,
    );
    assert.is(crashed.state, 'pending');
    const afterCrash = (await findBatch(storeA.db, ZONE, startS))!;
    assert.is(afterCrash.state, 'sent');
    assert.is(afterCrash.txHash, persistedHash, 'hash and raw transaction were stored before broadcasting');

    const recovered = await settleBatchOnChain(deps, afterCrash);
    assert.is(recovered.state, 'confirmed');
    assert.is(recovered.state === 'confirmed' ? recovered.txHash : undefined, persistedHash, 'the same transaction, rebroadcast');

    const other = await settleBatchOnChain({ ...deps, db: storeB.db }, (await findBatch(storeB.db, ZONE, startS))!);
    assert.is(other.state, 'confirmed', 'the second relay finds the interval settled on-chain');
    assert.is(other.state === 'confirmed' ? other.txHash : undefined, persistedHash);
    assert.is((await findBatch(storeB.db, ZONE, startS))!.attempts, 0, 'and never sent a transaction of its own');

    const account = (await chain.clients.publicClient.readContract({ address: chain.addresses.tradingMarketplace, abi: platformAbis().marketplace, functionName: 'accountOf', args: [buyer] })) as { balance: bigint; boughtWh: bigint };
    assert.is(account.balance, 1_000_000n - 45_000n, 'the buyer paid once');
    assert.is(BigInt(account.boughtWh), 300n);
  } finally {
    await chain.stop();
    await storeA.close();
    await storeB.close();
  }
});

test.run();
