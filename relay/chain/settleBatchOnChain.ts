/**
 * Moves one persisted settlement batch along its state machine (`relay/store/marketQueries/settlementBatches.ts`)
 * against the chain, restart-safe and idempotent:
 *  - the transaction is signed locally and its hash and raw bytes persisted (state `sent`) BEFORE broadcasting, so a
 *    crash at any point leaves a hash to look up and the exact bytes to rebroadcast — never a second, different
 *    payment: the contract also refuses a second settlement of a (zone, interval) (`IntervalAlreadySettled`);
 *  - before signing and on every recovery, the contract is asked whether the interval is already settled
 *    (`certificateRoot(batchKey) ≠ 0`); if so the settling transaction is found in the logs and indexed;
 *  - a chain that does not answer is retried with exponential backoff; the batch is never dropped.
 */
import { encodeFunctionData, keccak256, parseEventLogs, TransactionReceiptNotFoundError, zeroHash, type Address, type Hex, type TransactionReceipt } from 'viem';
import type { Logger } from 'pino';
import { insertChainEvents } from '../store/marketQueries/chainEvents.ts';
import { deferBatch, markBatchConfirmed, markBatchFailed, markBatchSent, type SettlementBatch } from '../store/marketQueries/settlementBatches.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { ChainClients } from './chainClients.ts';
import { zoneIdLevel } from '../../contracts/deploy/zoneId.ts';
import { climbFeePerKWh, readGridFees } from './climbFee.ts';
import { decodeTrades } from './encodeSettlementCalldata.ts';
import { escrowBalanceMicro } from './fundEscrow.ts';
import { platformAbis, settleTakesIntervalEnd } from './platformAbis.ts';

export interface SettleBatchDeps {
  db: RelayDatabase;
  clients: ChainClients;
  marketplace: Address;
  logger: Logger;
  /** Called when a buyer's escrow does not cover its trades (the demo tops it up); absent: the batch waits. */
  topUpEscrow?: (buyer: string, missingMicro: bigint) => Promise<void>;
  /** Test hook between persisting `sent` and broadcasting (simulate a crash here by never resolving). */
  beforeBroadcast?: (batch: SettlementBatch, txHash: Hex) => Promise<void>;
  /** Test hook between broadcasting and waiting for the receipt. */
  afterBroadcast?: (batch: SettlementBatch, txHash: Hex) => Promise<void>;
  /** How long to wait for a receipt before leaving the batch `sent` for the next round (default 30 s). */
  receiptTimeoutMs?: number;
}

export type SettleResult = { state: 'confirmed'; txHash: Hex; gasUsed: bigint | null } | { state: 'failed'; reason: string } | { state: 'pending'; reason: string };

const MAX_ESTIMATE_ATTEMPTS = 8;

function backoffMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6));
}

async function findReceipt(clients: ChainClients, hash: Hex): Promise<TransactionReceipt | undefined> {
  try {
    return await clients.publicClient.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined;
    throw error;
  }
}

/** The transaction that settled `batchKey`, from the marketplace's `ZoneIntervalSettled` logs. */
async function findSettlingReceipt(deps: SettleBatchDeps, batch: SettlementBatch): Promise<TransactionReceipt | undefined> {
  const root = (await deps.clients.publicClient.readContract({ address: deps.marketplace, abi: platformAbis().marketplace, functionName: 'certificateRoot', args: [batch.batchKey] })) as Hex;
  if (root === zeroHash) return undefined;
  const logs: { transactionHash: Hex | null }[] = await deps.clients.publicClient.getLogs({
    address: deps.marketplace,
    event: (platformAbis().marketplace as readonly { type: string; name?: string }[]).find((item) => item.type === 'event' && item.name === 'ZoneIntervalSettled') as never,
    args: { batchKey: batch.batchKey } as never,
    fromBlock: 0n,
  } as never);
  const log = logs[0];
  if (log === undefined || log.transactionHash === null) return undefined;
  return findReceipt(deps.clients, log.transactionHash);
}

async function confirm(deps: SettleBatchDeps, batch: SettlementBatch, receipt: TransactionReceipt): Promise<SettleResult> {
  const events = parseEventLogs({ abi: platformAbis().marketplace, logs: receipt.logs }).map((log) => ({
    txHash: receipt.transactionHash,
    logIndex: log.logIndex ?? 0,
    blockNumber: receipt.blockNumber,
    contract: log.address,
    eventName: String(log.eventName),
    args: (log.args ?? {}) as Record<string, unknown>,
  }));
  await insertChainEvents(deps.db, events);
  const gasUsed = receipt.transactionHash === batch.txHash ? receipt.gasUsed : null;
  await markBatchConfirmed(deps.db, batch, receipt.transactionHash, receipt.blockNumber, gasUsed);
  return { state: 'confirmed', txHash: receipt.transactionHash, gasUsed };
}

async function finish(deps: SettleBatchDeps, batch: SettlementBatch, receipt: TransactionReceipt): Promise<SettleResult> {
  if (receipt.status === 'success') return confirm(deps, batch, receipt);
  const settling = await findSettlingReceipt(deps, batch);
  if (settling !== undefined) return confirm(deps, batch, settling);
  const reason = `settlement transaction ${receipt.transactionHash} reverted`;
  await markBatchFailed(deps.db, batch, reason);
  return { state: 'failed', reason };
}

async function ensureEscrow(deps: SettleBatchDeps, batch: SettlementBatch): Promise<string | undefined> {
  const owed = new Map<string, bigint>();
  const trades = decodeTrades(batch.tradesHex);
  // A buyer that climbed zone levels also owes their grid fees, charged per trade on top of the price.
  const fees = trades.some((trade) => (trade.buyerClimb ?? 0) > 0) ? await readGridFees(deps.clients, deps.marketplace) : undefined;
  const zoneLevel = zoneIdLevel(batch.chainZone);
  for (const trade of trades) {
    const climb = trade.buyerClimb ?? 0;
    const feeMicro = fees === undefined || climb === 0 ? 0n : (BigInt(trade.energyWh) * climbFeePerKWh(fees, zoneLevel - climb, zoneLevel)) / 1000n;
    owed.set(trade.buyer, (owed.get(trade.buyer) ?? 0n) + (BigInt(trade.energyWh) * BigInt(batch.priceMicroPerKWh)) / 1000n + feeMicro);
  }
  for (const [buyer, amount] of owed) {
    const balance = await escrowBalanceMicro(deps.clients, deps.marketplace, buyer);
    if (balance >= amount) continue;
    if (deps.topUpEscrow === undefined) return `buyer ${buyer} has ${balance} in escrow, needs ${amount}`;
    await deps.topUpEscrow(buyer, amount - balance);
  }
  return undefined;
}

async function signSettlement(deps: SettleBatchDeps, batch: SettlementBatch): Promise<{ rawTx: Hex; txHash: Hex }> {
  const price = BigInt(batch.priceMicroPerKWh);
  const args = settleTakesIntervalEnd()
    ? [batch.chainZone, batch.intervalStartS, batch.intervalEndS, price, batch.sellersHex, batch.tradesHex]
    : [batch.chainZone, batch.intervalStartS, price, batch.sellersHex, batch.tradesHex];
  const data = encodeFunctionData({ abi: platformAbis().marketplace, functionName: 'settle', args } as never);
  const { walletClient } = deps.clients;
  const request = await walletClient.prepareTransactionRequest({ to: deps.marketplace, data, account: walletClient.account, chain: walletClient.chain });
  const rawTx = await walletClient.signTransaction(request as never);
  return { rawTx, txHash: keccak256(rawTx) };
}

async function broadcastAndWait(deps: SettleBatchDeps, batch: SettlementBatch, rawTx: Hex, txHash: Hex): Promise<SettleResult> {
  await deps.beforeBroadcast?.(batch, txHash);
  try {
    await deps.clients.publicClient.sendRawTransaction({ serializedTransaction: rawTx });
  } catch (error) {
    const message = (error as Error).message;
    if (!/already known|already imported|known transaction/i.test(message)) throw error;
  }
  await deps.afterBroadcast?.(batch, txHash);
  const receipt = await deps.clients.publicClient.waitForTransactionReceipt({ hash: txHash, timeout: deps.receiptTimeoutMs ?? 30_000 });
  return finish(deps, { ...batch, state: 'sent', txHash, rawTx }, receipt);
}

/**
 * Takes `batch` one step or more towards confirmed. Never throws for chain trouble: it records the error and
 * schedules the next attempt.
 * @example for (const batch of await listOpenBatches(db)) await settleBatchOnChain(deps, batch);
 */
export async function settleBatchOnChain(deps: SettleBatchDeps, batch: SettlementBatch): Promise<SettleResult> {
  try {
    if (batch.state === 'sent' && batch.txHash !== null) {
      const receipt = await findReceipt(deps.clients, batch.txHash);
      if (receipt !== undefined) return await finish(deps, batch, receipt);
    }
    const settling = await findSettlingReceipt(deps, batch);
    if (settling !== undefined) return await confirm(deps, batch, settling);
    if (batch.state === 'sent' && batch.rawTx !== null && batch.txHash !== null) {
      try {
        return await broadcastAndWait(deps, batch, batch.rawTx, batch.txHash);
      } catch (error) {
        // The nonce went to another transaction and ours can never be mined: sign afresh below.
        if (!/nonce too low|nonce.*lower/i.test((error as Error).message)) throw error;
      }
    }
    const missing = await ensureEscrow(deps, batch);
    if (missing !== undefined) {
      await deferBatch(deps.db, batch, missing, backoffMs(batch.attempts));
      return { state: 'pending', reason: missing };
    }
    let signed: { rawTx: Hex; txHash: Hex };
    try {
      signed = await signSettlement(deps, batch);
    } catch (error) {
      const reason = `settlement would revert: ${(error as Error).message.split('\n')[0]}`;
      if (batch.attempts + 1 >= MAX_ESTIMATE_ATTEMPTS && /revert/i.test(reason)) {
        await markBatchFailed(deps.db, batch, reason);
        return { state: 'failed', reason };
      }
      throw error;
    }
    if (!(await markBatchSent(deps.db, batch, signed.txHash, signed.rawTx))) return { state: 'pending', reason: 'another relay moved this batch' };
    return await broadcastAndWait(deps, batch, signed.rawTx, signed.txHash);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    deps.logger.warn({ zone: batch.zone, intervalStartS: batch.intervalStartS, err: reason }, 'settlement attempt failed; will retry');
    await deferBatch(deps.db, batch, reason, backoffMs(batch.attempts)).catch(() => {});
    return { state: 'pending', reason };
  }
}
