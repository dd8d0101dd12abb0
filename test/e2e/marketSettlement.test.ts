/**
 * End to end: simulated meters (real firmware) → relay ingest → clearing → settlement on anvil, with the relay
 * (store, broker, market room) restarted in the middle — after a settlement transaction was broadcast and before
 * its receipt was read. Checks that nothing settles twice, the crashed batch is confirmed with the transaction
 * that was already sent, and the on-chain ledger equals the relay's trade records, account by account.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hex } from 'viem';
import { startDemo, demoHouseholds, type DemoHandle } from '../../cli/commands/demo.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { openChain } from '../../relay/chain/openChain.ts';
import { platformAbis } from '../../relay/chain/platformAbis.ts';
import { findFreePort } from '../../relay/chain/startAnvil.ts';
import { listBatches } from '../../relay/store/marketQueries/settlementBatches.ts';
import { listTradesByBatchState } from '../../relay/store/marketQueries/marketTrades.ts';
import { listChainEvents } from '../../relay/store/marketQueries/chainEvents.ts';
import { openStore } from '../../relay/store/openStore.ts';

const METERS = 6;
const REAL_INTERVAL_S = 5;
const MARKET_INTERVAL_S = 300;

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('meters → clearing → settlement on anvil; a relay restart between broadcast and receipt never settles twice; ledger = trade records', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pet-e2e-'));
  const chainBook = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: chainBook.db });
  const mqttPort = await findFreePort();
  const startTimeS = Math.floor(Date.now() / 86_400_000) * 86_400 - 7 * 86_400 + 10 * 3600;
  const fleet = await startSimulatedMeters({
    meters: METERS, brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, speed: MARKET_INTERVAL_S / REAL_INTERVAL_S, intervalSeconds: MARKET_INTERVAL_S,
    sampleSeconds: 30, startTimeS, samplePairsPerBurst: 40, burstPeriodMs: 5000, mqtt: { backoffMinS: 5, backoffMaxS: 30 },
  });
  const common = { meters: METERS, intervalSeconds: REAL_INTERVAL_S, marketIntervalS: MARKET_INTERVAL_S, httpPort: 0, dataDir, chain, fleet, mqttPort, startTimeS, minimumTradeKWh: '0.01', logLevel: 'silent' as const, stopWaitMs: 500 };
  const demos: DemoHandle[] = [];
  try {
    let crashedTxHash: Hex | undefined;
    const first = await startDemo({
      ...common,
      hooks: {
        afterBroadcast: async (_batch, txHash) => {
          crashedTxHash = txHash;
          await new Promise(() => {}); // the process "dies" here: the receipt is never read
        },
      },
    });
    demos.push(first);
    await waitUntil('a settlement broadcast', () => crashedTxHash !== undefined, 90_000);
    await first.stop();
    const beforeRestart = await (async () => {
      const store = await openStore({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
      try {
        return await listBatches(store.db);
      } finally {
        await store.close();
      }
    })();
    const crashed = beforeRestart.find((batch) => batch.txHash === crashedTxHash);
    assert.ok(crashed, 'the batch was persisted with its transaction hash before broadcasting');
    assert.is(crashed.state, 'sent');

    const second = await startDemo(common);
    demos.push(second);
    await waitUntil('two more confirmed settlements after the restart', () => second.market.stats.batchesConfirmed >= 2, 60_000);
    await second.market.stop();

    const db = second.relay.store.db;
    const batches = await listBatches(db);
    const confirmed = batches.filter((batch) => batch.state === 'confirmed');
    const recovered = confirmed.find((batch) => batch.intervalStartS === crashed.intervalStartS && batch.zone === crashed.zone);
    assert.ok(recovered, 'the crashed batch is confirmed after the restart');
    assert.is(recovered.txHash, crashedTxHash, 'confirmed by the transaction sent before the crash, not a second one');
    assert.is(batches.filter((batch) => batch.state === 'failed').length, 0);

    const { publicClient } = chain.clients;
    const marketplaceAbi = platformAbis().marketplace;
    const settledEvent = (marketplaceAbi as readonly { type: string; name?: string }[]).find((item) => item.type === 'event' && item.name === 'ZoneIntervalSettled');
    const logs = (await publicClient.getLogs({ address: chain.addresses.tradingMarketplace, event: settledEvent, fromBlock: 0n } as never)) as unknown as { args: { batchKey: Hex } }[];
    const keys = logs.map((log) => log.args.batchKey);
    assert.is(new Set(keys).size, keys.length, 'no (zone, interval) settled twice');
    const onChainKeys = new Set(keys);
    for (const batch of confirmed) assert.ok(onChainKeys.has(batch.batchKey), `batch ${batch.intervalStartS} is on-chain`);
    assert.is(keys.length, confirmed.length, 'every on-chain settlement is a confirmed batch of the relay');
    assert.ok((await listChainEvents(db, 'ZoneIntervalSettled')).length >= 1, 'settlement events are indexed back');

    // Ledger: deposits − bought + (sold − fee per seller entry) = on-chain balance, for every household.
    const feeBps = BigInt((await publicClient.readContract({ address: chain.addresses.tradingMarketplace, abi: marketplaceAbi, functionName: 'feeBps' })) as number);
    const expected = new Map<string, { balance: bigint; soldWh: bigint; boughtWh: bigint }>();
    const entry = (account: string) => {
      const key = account.toLowerCase();
      if (!expected.has(key)) expected.set(key, { balance: 0n, soldWh: 0n, boughtWh: 0n });
      return expected.get(key)!;
    };
    for (const demo of demos) for (const [account, amount] of demo.depositsMicro) entry(account).balance += amount;
    const settledTrades = await listTradesByBatchState(db, 'confirmed');
    assert.ok(settledTrades.length > 0, 'some trades settled');
    const grossBySellerBatch = new Map<string, bigint>();
    for (const trade of settledTrades) {
      const paid = trade.paidMicro ?? 0n;
      const delivered = BigInt(trade.deliveredWh ?? 0);
      assert.ok(delivered <= BigInt(trade.energyWh), 'never more delivered than traded');
      entry(trade.buyer).balance -= paid;
      entry(trade.buyer).boughtWh += delivered;
      entry(trade.seller).soldWh += delivered;
      const key = `${trade.zone}|${trade.intervalStartS}|${trade.seller}`;
      grossBySellerBatch.set(key, (grossBySellerBatch.get(key) ?? 0n) + paid);
    }
    for (const [key, gross] of grossBySellerBatch) entry(key.split('|')[2]!).balance += gross - (gross * feeBps) / 10_000n;
    for (const household of demoHouseholds(METERS)) {
      const onChain = (await publicClient.readContract({ address: chain.addresses.tradingMarketplace, abi: marketplaceAbi, functionName: 'accountOf', args: [household.owner] })) as { balance: bigint; soldWh: bigint; boughtWh: bigint };
      const want = expected.get(household.owner) ?? { balance: 0n, soldWh: 0n, boughtWh: 0n };
      assert.is(onChain.balance, want.balance, `balance of ${household.owner}`);
      assert.is(BigInt(onChain.soldWh), want.soldWh, `soldWh of ${household.owner}`);
      assert.is(BigInt(onChain.boughtWh), want.boughtWh, `boughtWh of ${household.owner}`);
    }
  } finally {
    for (const demo of demos.reverse()) await demo.stop();
    await fleet.stop();
    await chain.stop();
    await chainBook.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
