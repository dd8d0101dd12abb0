/**
 * The market room (DESIGN §3 from "interval close" on): a loop that, on the relay's clock,
 *  0. sends the households' signed orders to `EnergyListing` (`relay/chain/submitSignedOrders.ts`, the relay
 *     paying the gas) and indexes standing orders placed on-chain into `standing_orders`;
 *  1. clears each zone tree's current interval once (standing orders × forecasts → pay-as-clear auction per
 *     zone, local first, the remainder up the tree with grid fees; a zone outside the configured tree clears on
 *     its own), under a PostgreSQL advisory lock per (root zone, interval) so one relay of many clears it (DESIGN §8);
 *  2. once an interval has ended and its grace period for late seals has passed, builds and persists its
 *     settlement batches, one per zone that matched trades, from the sellers' stored seals (delivery decides what
 *     is paid);
 *  3. drives open batches on-chain (`relay/chain/settleBatchOnChain.ts`), retrying with backoff;
 * and publishes clearing results, trades, "energy available nearby" and settlements to the feed, the meters'
 * command topics and the notifications table. Composed beside `startRelay` (it needs only the store, the broker
 * URL, optionally the feed and the chain), so several relays may run it against one database.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createMarketMetrics } from './ops/marketMetrics.ts';
import type { TradingParameters } from '../shared/config/tradingParameters.ts';
import type { ChainClients } from './chain/chainClients.ts';
import type { PlatformAddresses } from './chain/platformAddresses.ts';
import { gridFeesPerKWhOf, readGridFees } from './chain/climbFee.ts';
import { findZoneMismatches } from './chain/findZoneMismatches.ts';
import { queryRows } from './store/queryRows.ts';
import { indexListingOrders } from './chain/indexListingOrders.ts';
import { settleBatchOnChain, type SettleBatchDeps } from './chain/settleBatchOnChain.ts';
import { submitSignedOrders } from './chain/submitSignedOrders.ts';
import { clearMarketInterval } from './market/clearMarketInterval.ts';
import { createZoneDirectory, type ZoneDirectory } from './market/zoneDirectory.ts';
import { intervalStartOf } from './market/marketTime.ts';
import { prepareSettlementBatch } from './market/prepareSettlementBatch.ts';
import { createMarketPublisher, type FeedPublisher, type MarketPublisher } from './notify/marketPublisher.ts';
import { notifyCleared, notifySettled } from './notify/notifyHouseholds.ts';
import { listIntervalTrades } from './store/marketQueries/marketTrades.ts';
import { findBatch, listIntervalsAwaitingBatch, listOpenBatches, listUnfinishedBatchSellers } from './store/marketQueries/settlementBatches.ts';
import { sellerMetersOf } from './chain/encodeSettlementCalldata.ts';
import { announceListingChain } from './store/marketQueries/listingChain.ts';
import { listStandingOrders } from './store/marketQueries/standingOrders.ts';
import type { RelayDatabase } from './store/relayDatabase.ts';

/** The contract charges the grid fees it holds; the relay clears with its own. Say so when they differ. */
async function warnOnGridFeeMismatch(clients: ChainClients, marketplace: `0x${string}`, params: TradingParameters, logger: Logger): Promise<void> {
  const { house, feeder, substation } = gridFeesPerKWhOf(params);
  const configured = [house, feeder, substation];
  try {
    const onChain = await readGridFees(clients, marketplace);
    if (onChain.some((fee, i) => fee !== configured[i])) {
      logger.warn({ onChain: onChain.map(String), configured: configured.map(String) }, 'grid fees on-chain differ from PET_GRID_FEE_*_PER_KWH: trades that climbed zone levels clear at the configured fees and settle at the on-chain ones');
    }
  } catch (error) {
    logger.warn({ err: (error as Error).message.split('\n')[0] }, 'could not read the grid fees on-chain');
  }
}

/** Meters registered on-chain under another zone id than the tree gives them cannot be paid: say which. */
async function warnOnZoneMismatch(db: RelayDatabase, clients: ChainClients, registry: `0x${string}`, zones: ZoneDirectory, logger: Logger): Promise<void> {
  try {
    const meters = await queryRows<{ address: string; zone: string }>(db, sql`SELECT address, zone FROM meters WHERE is_registered AND is_active ORDER BY address`);
    const mismatches = await findZoneMismatches(clients, registry, meters, zones.chainZoneOf);
    if (mismatches.length > 0) {
      logger.warn(
        { meters: mismatches.length, first: mismatches.slice(0, 5).map((m) => ({ meter: m.meter, zone: m.zone, expected: `0x${m.expectedZoneId.toString(16)}`, registered: `0x${m.registeredZoneId.toString(16)}` })) },
        'meters registered on-chain under another zone id than PET_ZONE_TREE gives their zone: their sales will not settle until they are registered again',
      );
    }
  } catch (error) {
    logger.warn({ err: (error as Error).message.split('\n')[0] }, 'could not compare the meters\' on-chain zones with the zone tree');
  }
}

export interface MarketRoomOptions {
  db: RelayDatabase;
  logger: Logger;
  params: TradingParameters;
  /** This relay's id (`PET_RELAY_ID`), recorded on what it clears. */
  relayId: string;
  /** The relay's clock, Unix seconds (the demo runs it on simulated time). */
  nowS?: () => number;
  /** Seconds after an interval's start before it is cleared, so the previous interval's seals are in. Default 10 % of the interval. */
  clearDelayS?: number;
  /** Seconds after an interval's end to wait for late seals before settling it. Default 10 % of the interval. */
  sealGraceS?: number;
  /** Real milliseconds between rounds. Default 500. */
  tickMs?: number;
  feed?: FeedPublisher | undefined;
  brokerUrl?: string | undefined;
  topicPrefix?: string;
  /** The relay's metrics registry: the room adds `pet_relay_market_*` (`relay/ops/marketMetrics.ts`). */
  metrics?: Registry;
  /** The zone tree (`PET_ZONE_TREE`); default: no tree, every zone clears on its own. */
  zones?: ZoneDirectory;
  /** Settle on this chain; absent: clear only. */
  chain?: {
    clients: ChainClients;
    addresses: PlatformAddresses;
    topUpEscrow?: SettleBatchDeps['topUpEscrow'];
    beforeBroadcast?: SettleBatchDeps['beforeBroadcast'];
    afterBroadcast?: SettleBatchDeps['afterBroadcast'];
  };
}

/** Counts since start. */
export interface MarketRoomStats {
  intervalsCleared: number;
  trades: number;
  batchesConfirmed: number;
  batchesFailed: number;
  /** Gas of each of our confirmed settlement transactions, with its trade count. */
  settlementGas: { gasUsed: bigint; tradeCount: number }[];
}

export interface MarketRoom {
  stats: MarketRoomStats;
  /** One round now (tests); rounds never overlap. */
  runRound(): Promise<void>;
  /** Stops the loop; waits for the running round at most `waitMs` (default 10 s). Idempotent. */
  stop(waitMs?: number): Promise<void>;
}

/**
 * @example
 * const market = await startMarketRoom({ db: relay.store.db, logger, params, relayId: 'relay-1', brokerUrl: relay.brokerUrl, chain });
 * // …
 * await market.stop();
 */
export async function startMarketRoom(options: MarketRoomOptions): Promise<MarketRoom> {
  const { db, params } = options;
  const logger = options.logger.child({ room: 'market' });
  const intervalSeconds = params.intervalSeconds;
  const zones = options.zones ?? createZoneDirectory([]);
  const metrics = options.metrics === undefined ? undefined : createMarketMetrics(options.metrics);
  const nowS = options.nowS ?? (() => Date.now() / 1000);
  const clearDelayS = options.clearDelayS ?? Math.max(1, Math.round(intervalSeconds * 0.1));
  const sealGraceS = options.sealGraceS ?? Math.max(1, Math.round(intervalSeconds * 0.1));
  const terms = {
    retailTariffMicroPerKWh: params.retailTariffMicroPerKWh,
    feedInTariffMicroPerKWh: params.feedInTariffMicroPerKWh,
    maximumLocalGridDeviationBps: params.maximumLocalGridDeviationBps,
    deviationPenaltyBps: params.deviationPenaltyBps,
  };
  const publisher: MarketPublisher = await createMarketPublisher({ feed: options.feed, brokerUrl: options.brokerUrl, topicPrefix: options.topicPrefix ?? '', clientId: `${options.relayId}-market` });
  const stats: MarketRoomStats = { intervalsCleared: 0, trades: 0, batchesConfirmed: 0, batchesFailed: 0, settlementGas: [] };
  const chain = options.chain;
  const settleDeps: SettleBatchDeps | undefined =
    chain === undefined
      ? undefined
      : {
          db, clients: chain.clients, marketplace: chain.addresses.tradingMarketplace, logger,
          ...(chain.topUpEscrow ? { topUpEscrow: chain.topUpEscrow } : {}),
          ...(chain.beforeBroadcast ? { beforeBroadcast: chain.beforeBroadcast } : {}),
          ...(chain.afterBroadcast ? { afterBroadcast: chain.afterBroadcast } : {}),
        };

  async function clearDue(now: number): Promise<void> {
    const startS = intervalStartOf(now, intervalSeconds);
    if (now < startS + clearDelayS) return;
    const roots = [...new Set((await listStandingOrders(db)).map((s) => zones.rootOf(s.zone).id))].sort();
    for (const root of roots) {
      let outcome;
      try {
        outcome = await clearMarketInterval(db, { zone: root, intervalStartS: startS, intervalSeconds, params, relayId: options.relayId, zones });
      } catch (error) {
        // One tree that cannot clear (e.g. its zones were cleared under another tree) must not stop the others or settlement.
        logger.error({ root, intervalStartS: startS, err: error }, 'clearing failed');
        continue;
      }
      if (outcome.status !== 'cleared') continue;
      for (const cleared of outcome.tree) {
        stats.intervalsCleared += 1;
        stats.trades += cleared.trades.length;
        if (metrics !== undefined) {
          metrics.zoneIntervalsCleared.inc();
          for (const trade of cleared.trades) metrics.trades.inc({ climbed: String(trade.sellerClimb + trade.buyerClimb > 0) });
          metrics.clearedWh.inc(cleared.clearedWh);
          metrics.curtailedWh.inc(cleared.curtailedWh);
        }
        if (cleared.orders.length + cleared.trades.length === 0) continue;
        logger.info({ zone: cleared.zone, intervalStartS: startS, orders: cleared.orders.length, trades: cleared.trades.length, clearedWh: cleared.clearedWh, curtailedWh: cleared.curtailedWh, priceMicroPerKWh: cleared.clearingPriceMicroPerKWh }, 'interval cleared');
        await notifyCleared(db, publisher, cleared);
      }
    }
  }

  async function buildDue(now: number): Promise<void> {
    for (const due of await listIntervalsAwaitingBatch(db, Math.floor(now - sealGraceS))) {
      const outcome = await prepareSettlementBatch(db, { zone: due.zone, intervalStartS: due.intervalStartS, intervalSeconds, terms, zones, settles: chain !== undefined });
      if (outcome === 'built' || outcome === 'empty') logger.info({ zone: due.zone, intervalStartS: due.intervalStartS, outcome }, 'settlement batch persisted');
    }
  }

  async function settleOpen(): Promise<void> {
    if (settleDeps === undefined) return;
    const unfinished = (await listUnfinishedBatchSellers(db)).map((other) => ({ intervalStartS: other.intervalStartS, sellerMeters: new Set(sellerMetersOf(other.sellersHex)) }));
    for (const batch of await listOpenBatches(db)) {
      if (isStopping) return;
      // A seal may be paid in several batches of its interval, but only while it is its meter's last settled one:
      // a batch waits while an earlier interval's batch of any of its seller meters has not reached the chain.
      const meters = sellerMetersOf(batch.sellersHex);
      if (unfinished.some((other) => other.intervalStartS < batch.intervalStartS && meters.some((meter) => other.sellerMeters.has(meter)))) continue;
      const result = await settleBatchOnChain(settleDeps, batch);
      // A transaction still in flight: later batches (the same buyers' escrow, the same seals) wait for its receipt.
      if (result.state === 'pending' && (await findBatch(db, batch.zone, batch.intervalStartS))?.state === 'sent') return;
      if (result.state === 'confirmed') {
        stats.batchesConfirmed += 1;
        if (result.gasUsed !== null) stats.settlementGas.push({ gasUsed: result.gasUsed, tradeCount: batch.tradeCount });
        metrics?.batches.inc({ outcome: 'confirmed' });
        metrics?.gridFeesMicro.inc(Number(batch.gridFeeMicro));
        if (result.gasUsed !== null && batch.tradeCount > 0) metrics?.settlementGasPerTrade.observe(Number(result.gasUsed) / batch.tradeCount);
        logger.info({ zone: batch.zone, intervalStartS: batch.intervalStartS, txHash: result.txHash, gasUsed: result.gasUsed?.toString(), trades: batch.tradeCount }, 'settlement confirmed');
        await notifySettled(db, publisher, await listIntervalTrades(db, batch.zone, batch.intervalStartS), result.txHash);
      } else if (result.state === 'failed') {
        stats.batchesFailed += 1;
        metrics?.batches.inc({ outcome: 'failed' });
        logger.error({ zone: batch.zone, intervalStartS: batch.intervalStartS, reason: result.reason }, 'settlement failed');
      }
    }
  }

  // The web room checks signed orders against this listing's EIP-712 domain.
  if (chain !== undefined) await announceListingChain(db, { chainId: chain.clients.chain.id, listing: chain.addresses.energyListing as `0x${string}` });
  if (chain !== undefined) await warnOnGridFeeMismatch(chain.clients, chain.addresses.tradingMarketplace as `0x${string}`, params, logger);
  if (chain !== undefined) await warnOnZoneMismatch(db, chain.clients, chain.addresses.meterRegistry as `0x${string}`, zones, logger);

  let isStopping = false;
  let running: Promise<void> | undefined;
  async function indexStandingOrders(): Promise<void> {
    if (chain === undefined) return;
    try {
      const submitted = await submitSignedOrders({ db, clients: chain.clients, listing: chain.addresses.energyListing as `0x${string}`, logger });
      if (submitted.confirmed + submitted.failed > 0) logger.info(submitted, 'signed orders sent to EnergyListing');
    } catch (error) {
      logger.warn({ err: (error as Error).message.split('\n')[0] }, 'sending signed orders failed; will retry');
    }
    try {
      const changed = await indexListingOrders(db, chain.clients, chain.addresses.energyListing, intervalSeconds, zones.chainZoneOf);
      if (changed > 0) logger.info({ meters: changed }, 'standing orders indexed from EnergyListing');
    } catch (error) {
      logger.warn({ err: (error as Error).message.split('\n')[0] }, 'indexing EnergyListing failed; will retry');
    }
  }

  async function round(): Promise<void> {
    const now = nowS();
    await indexStandingOrders();
    await clearDue(now);
    await buildDue(now);
    await settleOpen();
  }
  function runRound(): Promise<void> {
    running ??= round()
      .catch((error) => logger.error({ err: error }, 'market round failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (isStopping) return;
    timer = setTimeout(() => void runRound().then(schedule), options.tickMs ?? 500);
  };
  schedule();
  let stopping: Promise<void> | undefined;
  return {
    stats,
    runRound,
    stop(waitMs = 10_000) {
      stopping ??= (async () => {
        isStopping = true;
        clearTimeout(timer);
        if (running !== undefined) await Promise.race([running, new Promise((resolve) => setTimeout(resolve, waitMs))]);
        await publisher.close();
      })();
      return stopping;
    },
  };
}
