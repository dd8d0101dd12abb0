/**
 * End to end: simulated meters (real firmware) → relay ingest → clearing over a zone tree (two feeders under a
 * substation: feeder-1 three prosumers and a consumer, feeder-2 two consumers, so feeder-1 clears locally first
 * and its surplus crosses the substation to feeder-2 with grid fees, sellers paid from one seal in two batches) →
 * settlement on anvil, with the relay
 * (store, broker, market room) restarted in the middle — after a settlement transaction was broadcast and before
 * its receipt was read. Checks that nothing settles twice, the crashed batch is confirmed with the transaction
 * that was already sent, substation trades settle with the fees charged on-chain, and the on-chain ledger equals
 * the relay's trade records account by account, the grid operator's included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hex } from 'viem';
import { startDemo, demoChainFees, demoGridOperator, demoHouseholds, DEMO_SUBSTATION, type DemoHandle } from '../../cli/commands/demo.ts';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
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
/** Households 0, 1, 2, 4 (prosumers 0, 2, 4 and consumer 1) on feeder-1; consumers 3 and 5 on feeder-2. */
const feederOf = (index: number): string => (index % 2 === 0 || index === 1 ? 'feeder-1' : 'feeder-2');

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
  const chain = await openChain({ db: chainBook.db, ...demoChainFees(parseTradingParameters(process.env)) });
  const mqttPort = await findFreePort();
  const startTimeS = Math.floor(Date.now() / 86_400_000) * 86_400 - 7 * 86_400 + 10 * 3600;
  const fleet = await startSimulatedMeters({
    meters: METERS, brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, speed: MARKET_INTERVAL_S / REAL_INTERVAL_S, intervalSeconds: MARKET_INTERVAL_S,
    sampleSeconds: 30, startTimeS, samplePairsPerBurst: 40, burstPeriodMs: 5000, mqtt: { backoffMinS: 5, backoffMaxS: 30 },
  });
  const common = { meters: METERS, zoneOfHousehold: feederOf, intervalSeconds: REAL_INTERVAL_S, marketIntervalS: MARKET_INTERVAL_S, httpPort: 0, dataDir, chain, fleet, mqttPort, startTimeS, minimumTradeKWh: '0.01', logLevel: 'silent' as const, stopWaitMs: 500 };
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
    const substationSettled = async () => (await listTradesByBatchState(second.relay.store.db, 'confirmed')).some((t) => t.zone === DEMO_SUBSTATION);
    let sawSubstation = false;
    const deadline = Date.now() + 90_000;
    while (!(second.market.stats.batchesConfirmed >= 2 && (sawSubstation ||= await substationSettled()))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for settlements after the restart (${second.market.stats.batchesConfirmed} confirmed, substation trade settled: ${sawSubstation})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
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

    // Ledger: deposits − (bought + buyer's grid fee per trade) + (sold − platform fee − grid fee per seller
    // entry) = on-chain balance, for every household; the grid operator holds every grid fee.
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
    const bySellerBatch = new Map<string, { gross: bigint; soldWh: bigint; feePerKWh: bigint }>();
    const operator = entry(demoGridOperator);
    for (const trade of settledTrades) {
      const paid = trade.paidMicro ?? 0n;
      const delivered = BigInt(trade.deliveredWh ?? 0);
      assert.ok(delivered <= BigInt(trade.energyWh), 'never more delivered than traded');
      const buyerFee = (delivered * BigInt(trade.buyerFeeMicroPerKWh)) / 1000n;
      assert.is(trade.buyerFeeMicro, buyerFee, 'the relay records the buyer fee the contract charges');
      entry(trade.buyer).balance -= paid + buyerFee;
      operator.balance += buyerFee;
      entry(trade.buyer).boughtWh += delivered;
      entry(trade.seller).soldWh += delivered;
      const key = `${trade.zone}|${trade.intervalStartS}|${trade.seller}`;
      const batch = bySellerBatch.get(key) ?? { gross: 0n, soldWh: 0n, feePerKWh: BigInt(trade.sellerFeeMicroPerKWh) };
      batch.gross += paid;
      batch.soldWh += delivered;
      bySellerBatch.set(key, batch);
    }
    for (const [key, { gross, soldWh, feePerKWh }] of bySellerBatch) {
      const afterPlatformFee = gross - (gross * feeBps) / 10_000n;
      const gridFee = (soldWh * feePerKWh) / 1000n < afterPlatformFee ? (soldWh * feePerKWh) / 1000n : afterPlatformFee;
      entry(key.split('|')[2]!).balance += afterPlatformFee - gridFee;
      operator.balance += gridFee;
    }
    const climbed = settledTrades.filter((t) => t.zone === DEMO_SUBSTATION && (t.deliveredWh ?? 0) > 0);
    assert.ok(climbed.length > 0, 'some energy crossed the substation and settled');
    assert.ok(climbed.every((t) => t.sellerClimb === 1 && t.buyerClimb === 1 && t.sellerFeeMicroPerKWh > 0), 'substation trades climbed one level on each side and carry its fee');
    assert.ok(operator.balance > 0n, 'grid fees were charged');
    const zonesPaidBySeal = new Map<string, Set<string>>();
    for (const t of settledTrades.filter((trade) => (trade.deliveredWh ?? 0) > 0)) {
      const key = `${t.sellerMeter}|${t.intervalStartS}`;
      zonesPaidBySeal.set(key, (zonesPaidBySeal.get(key) ?? new Set()).add(t.zone));
    }
    assert.ok([...zonesPaidBySeal.values()].some((zones) => zones.size === 2), 'a seller was paid from one seal in its feeder\'s batch and the substation\'s');
    const onChainOperator = (await publicClient.readContract({ address: chain.addresses.tradingMarketplace, abi: marketplaceAbi, functionName: 'accountOf', args: [demoGridOperator] })) as { balance: bigint };
    assert.is(onChainOperator.balance, operator.balance, 'the grid operator holds exactly the grid fees of the relay\'s records');
    for (const household of demoHouseholds(METERS, 'demo', feederOf)) {
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
