/**
 * Builds and persists the settlement batches of one zone tree's interval, one per zone that matched trades, for an
 * interval whose seals are in — BEFORE anything is sent (the batch is the durable intent;
 * `relay/chain/settleBatchOnChain.ts` moves it along). Under the (root zone, interval) advisory lock and only if
 * the tree has no batch for the interval yet, so it is built once across relays and restarts. Delivery is decided
 * per seller over the whole tree (a seller that traded in its own zone and in a parent zone shares its seal's
 * export over both), which is why the tree's batches are built together.
 */
import { encodeAbiParameters, keccak256, type Hex } from 'viem';
import { sql } from 'drizzle-orm';
import type { DeliveryTerms } from '../../shared/market/settleDelivery.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { encodeSellers, encodeTrades } from '../chain/encodeSettlementCalldata.ts';
import { listTreeIntervalTrades } from '../store/marketQueries/marketTrades.ts';
import { listSealsWithin } from '../store/marketQueries/sealedIntervals.ts';
import { inList } from '../store/inList.ts';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { buildSettlementBatches } from './buildSettlementBatch.ts';
import { createZoneDirectory, type ZoneDirectory } from './zoneDirectory.ts';

/** keccak256(abi.encode(uint64 zone, uint32 intervalStartS)), as `TradingMarketplace.settle` computes it. */
export function settlementBatchKey(chainZone: bigint, intervalStartS: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint64' }, { type: 'uint32' }], [chainZone, intervalStartS]));
}

/** 'built' when at least one batch needs the chain; 'empty' when every zone's sellers delivered nothing. */
export type PrepareOutcome = 'built' | 'empty' | 'exists' | 'locked';

/**
 * @param options.zone any zone of the tree (the whole tree's batches are built)
 * @example await prepareSettlementBatch(db, { zone: 'feeder-1', intervalStartS, intervalSeconds: 900, terms, zones });
 */
export async function prepareSettlementBatch(
  db: RelayDatabase,
  options: {
    zone: string;
    intervalStartS: number;
    intervalSeconds: number;
    terms: DeliveryTerms;
    zones?: ZoneDirectory;
    /** False when this relay clears without a chain: batches are recorded `unsettled`, never to be sent. Default true. */
    settles?: boolean;
  },
): Promise<PrepareOutcome> {
  const { intervalStartS: startS, intervalSeconds } = options;
  const directory = options.zones ?? createZoneDirectory([]);
  const root = directory.rootOf(options.zone);
  const treeZones = directory.zonesUnder(root);
  return db.transaction(async (txDb) => {
    const tx = txDb as unknown as RelayDatabase;
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${`settle:${root.id}:${startS}`}, 0)) AS locked`);
    if (!lock?.locked) return 'locked';
    if ((await queryRows(tx, sql`SELECT 1 FROM settlement_batches WHERE ${inList('zone', treeZones)} AND interval_start_s = ${startS}`)).length > 0) return 'exists';
    const trades = await listTreeIntervalTrades(tx, treeZones, startS);
    const sellerMeters = [...new Set(trades.map((t) => t.sellerMeter))];
    // The seal of interval T lies within [T, T + I] (a meter that rebooted mid-interval may have two: the last wins).
    const seals = await listSealsWithin(tx, sellerMeters, startS, startS + intervalSeconds);
    const sealsByMeter = new Map<string, SealRecord>();
    for (const seal of seals) sealsByMeter.set(seal.meter, seal);
    let outcome: PrepareOutcome = 'empty';
    for (const plan of buildSettlementBatches(trades, sealsByMeter, options.terms).values()) {
      const { zone } = plan;
      const chainZone = directory.chainZoneOf(zone);
      const state = plan.trades.length === 0 ? 'empty' : options.settles === false ? 'unsettled' : 'built';
      if (state === 'built') outcome = 'built';
      await tx.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro, grid_fee_micro)
        VALUES (${zone}, ${startS}, ${chainZone.toString()}, ${settlementBatchKey(chainZone, startS)}, ${state}, ${plan.priceMicroPerKWh},
                ${plan.sellers.length === 0 ? '0x' : encodeSellers(plan.sellers)}, ${plan.trades.length === 0 ? '0x' : encodeTrades(plan.trades)},
                ${plan.trades.length}, ${plan.deliveredWh}, ${plan.grossMicro.toString()}, ${plan.gridFeeMicro.toString()})`);
      for (const d of plan.deliveries) {
        await tx.execute(sql`UPDATE market_trades SET delivered_wh = ${d.deliveredWh}, paid_micro = ${d.paidMicro.toString()}, buyer_fee_micro = ${d.buyerFeeMicro.toString()}
          WHERE zone = ${zone} AND interval_start_s = ${startS} AND trade_index = ${d.tradeIndex}`);
      }
    }
    return outcome;
  });
}
