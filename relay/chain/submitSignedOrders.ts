/**
 * Sends the queued signed orders (`signed_orders`, taken in by `relay/market/acceptSignedOrder.ts`) to
 * `EnergyListing`, the relay paying the gas: places in one `placeSignedOrders` batch per round, cancels one
 * `cancelSignedOrder` each. Restart-safe in the way settlement is (`settleBatchOnChain.ts`):
 *  - the transaction is signed locally and its hash and raw bytes stored (rows `sent`) BEFORE broadcasting, so a
 *    crash at any point leaves a hash to look up and the exact bytes to send again, never a second, different
 *    transaction for the same rows;
 *  - an order can be placed only once anyway: its nonce is used on-chain, and a second transaction carrying it
 *    reverts. A row whose nonce turns out used is looked up in the logs and confirmed with the transaction that
 *    placed it ("already placed"), or failed with `nonce_used` when another signature of the owner's used it;
 *  - a chain that does not answer is retried with exponential backoff; a row is never dropped for it.
 * `placeSignedOrders` reverts as a whole when one order is refused, so each batch is simulated first and a refused
 * order is found (by simulating prefixes), failed with the contract's reason, and left out.
 * The standing orders themselves change only when `indexListingOrders.ts` reads the `OrderPlaced` events back.
 */
import type { Logger } from 'pino';
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAbiItem,
  keccak256,
  parseEventLogs,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { energyListingAbi } from '../../contracts/deploy/abis.ts';
import type { SignedOrderErrorCode } from '../market/signedOrderError.ts';
import { recordListingNonce, type ListingChain } from '../store/marketQueries/listingChain.ts';
import {
  deferSignedOrders,
  listDueQueuedSignedOrders,
  listDueSentSignedOrders,
  markSignedOrderConfirmed,
  markSignedOrderFailed,
  markSignedOrdersSent,
  requeueSignedOrders,
  type SignedOrderRecord,
} from '../store/marketQueries/signedOrders.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { ChainClients } from './chainClients.ts';

export interface SubmitSignedOrdersDeps {
  db: RelayDatabase;
  clients: ChainClients;
  /** The `EnergyListing`. */
  listing: Address;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Most orders in one `placeSignedOrders` (default 40, about 3.5 M gas). */
  maxBatchOrders?: number;
  /** How long to wait for a receipt before leaving the rows `sent` for the next round (default 30 s). */
  receiptTimeoutMs?: number;
  /** Test hook between storing `sent` and broadcasting (simulate a crash here by never resolving). */
  beforeBroadcast?: (txHash: Hex, rowIds: readonly number[]) => Promise<void>;
  /** Test hook between broadcasting and waiting for the receipt. */
  afterBroadcast?: (txHash: Hex, rowIds: readonly number[]) => Promise<void>;
}

/** What one round did. */
export interface SubmitRoundResult {
  /** Rows confirmed on-chain (placed or cancelled). */
  confirmed: number;
  /** Rows refused for good (by the chain's rules). */
  failed: number;
  /** Transactions broadcast. */
  transactions: number;
  /** Rows left for a later round (chain down, receipt late, waiting for an earlier nonce). */
  waiting: number;
}

/** A signature's deadline must leave this much time for the transaction to be mined. */
const DEADLINE_MARGIN_S = 2n;

function backoffMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6));
}

const firstLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0] ?? String(error);

/** The contract's custom error behind a failed call, or undefined when the call failed for another reason (the RPC). */
function revertOf(error: unknown): { name: string; args: readonly unknown[] } | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  return { name: reverted.data?.errorName ?? reverted.reason ?? 'unknown', args: reverted.data?.args ?? [] };
}

/** The queue's code for a contract error (the API refuses with the same codes). */
function codeOfRevert(revert: { name: string; args: readonly unknown[] }, row: SignedOrderRecord): SignedOrderErrorCode {
  switch (revert.name) {
    case 'SignerNotOwner':
      return 'wrong_signer';
    case 'ECDSAInvalidSignature':
    case 'ECDSAInvalidSignatureLength':
    case 'ECDSAInvalidSignatureS':
      return 'malformed_signature';
    case 'SignatureExpired':
      return 'signature_expired';
    case 'InvalidAccountNonce':
      return typeof revert.args[1] === 'bigint' && revert.args[1] < row.nonce ? 'nonce_gap' : 'nonce_used';
    case 'OrderWindowInvalid':
      return 'window_invalid';
    case 'OrderQuantityZero':
      return 'quantity_zero';
    case 'OrderNotFound':
      return 'order_not_found';
    case 'OrderAlreadyCancelled':
      return 'order_cancelled';
    default:
      return 'chain_refused';
  }
}

const describeRevert = (revert: { name: string; args: readonly unknown[] }) => `EnergyListing refused it: ${revert.name}(${revert.args.map(String).join(', ')})`;

function signedOrderArg(row: SignedOrderRecord) {
  return { order: row.order!, nonce: row.nonce, deadlineS: row.deadlineS, signature: row.signature };
}

function callOf(rows: readonly SignedOrderRecord[]): { functionName: 'placeSignedOrders' | 'cancelSignedOrder'; args: readonly unknown[] } {
  const [first] = rows;
  if (first!.kind === 'cancel') return { functionName: 'cancelSignedOrder', args: [first!.orderId!, first!.nonce, first!.deadlineS, first!.signature] };
  return { functionName: 'placeSignedOrders', args: [rows.map(signedOrderArg)] };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

class Submitter {
  readonly result: SubmitRoundResult = { confirmed: 0, failed: 0, transactions: 0, waiting: 0 };
  readonly chain: ListingChain;
  constructor(readonly deps: SubmitSignedOrdersDeps) {
    this.chain = { chainId: deps.clients.chain.id, listing: deps.listing.toLowerCase() as `0x${string}` };
  }

  async readNonce(owner: string): Promise<bigint> {
    const nonce = (await this.deps.clients.publicClient.readContract({ address: this.deps.listing, abi: energyListingAbi, functionName: 'nonces', args: [owner as Address] })) as bigint;
    await recordListingNonce(this.deps.db, this.chain, owner, nonce);
    return nonce;
  }

  async fail(row: SignedOrderRecord, code: SignedOrderErrorCode, message: string): Promise<void> {
    await markSignedOrderFailed(this.deps.db, row.id, code, message);
    this.result.failed += 1;
    this.deps.logger.info({ id: row.id, owner: row.owner, nonce: row.nonce.toString(), code, reason: message }, 'signed order refused');
  }

  async defer(rows: readonly SignedOrderRecord[], error: unknown): Promise<void> {
    const reason = firstLine(error);
    this.deps.logger.warn({ rows: rows.length, err: reason }, 'signed orders: chain step failed; will retry');
    await deferSignedOrders(this.deps.db, rows.map((row) => row.id), reason, backoffMs(Math.max(...rows.map((row) => row.attempts)))).catch(() => {});
    this.result.waiting += rows.length;
  }

  async findReceipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.deps.clients.publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }
  }

  /** The transaction that did what `row` asks, found in the logs, for a row whose nonce is used on-chain. */
  async findDone(row: SignedOrderRecord): Promise<{ txHash: Hex; blockNumber: bigint; orderId: bigint | null } | undefined> {
    const { publicClient } = this.deps.clients;
    if (row.kind === 'cancel') {
      const logs = await publicClient.getLogs({ address: this.deps.listing, event: getAbiItem({ abi: energyListingAbi, name: 'OrderCancelled' }), args: { orderId: row.orderId! }, fromBlock: 0n });
      const [log] = logs;
      return log === undefined || log.transactionHash === null ? undefined : { txHash: log.transactionHash, blockNumber: log.blockNumber ?? 0n, orderId: null };
    }
    const order = row.order!;
    const logs = await publicClient.getLogs({ address: this.deps.listing, event: getAbiItem({ abi: energyListingAbi, name: 'OrderPlaced' }), args: { owner: row.owner, zone: order.zone }, fromBlock: 0n });
    const match = [...logs].reverse().find(
      (log) =>
        log.args.side === order.side &&
        log.args.maxWhPerInterval === order.maxWhPerInterval &&
        log.args.limitPricePerKWh === order.limitPricePerKWh &&
        log.args.validFromS === order.validFromS &&
        log.args.validUntilS === order.validUntilS,
    );
    return match === undefined || match.transactionHash === null ? undefined : { txHash: match.transactionHash, blockNumber: match.blockNumber ?? 0n, orderId: match.args.orderId ?? null };
  }

  /** Rows of a transaction that did not place them: confirmed if their nonce was used (by them), else queued again or failed. */
  async resolveByNonce(rows: readonly SignedOrderRecord[], why: string): Promise<void> {
    const nonces = new Map<string, bigint>();
    for (const row of rows) {
      const onChain = nonces.get(row.owner) ?? (await this.readNonce(row.owner));
      nonces.set(row.owner, onChain);
      if (onChain <= row.nonce) {
        await requeueSignedOrders(this.deps.db, [row.id], why, backoffMs(row.attempts));
        this.result.waiting += 1;
        continue;
      }
      const done = await this.findDone(row);
      if (done === undefined) {
        await this.fail(row, 'nonce_used', `nonce ${row.nonce} was used on-chain by another signature of ${row.owner}; this ${row.kind === 'place' ? 'order' : 'cancel'} was not carried out`);
        continue;
      }
      await markSignedOrderConfirmed(this.deps.db, row.id, { txHash: done.txHash, blockNumber: done.blockNumber, placedOrderId: done.orderId, note: `already done by ${done.txHash} (${why})` });
      this.result.confirmed += 1;
    }
  }

  async finish(rows: readonly SignedOrderRecord[], receipt: TransactionReceipt): Promise<void> {
    if (receipt.status !== 'success') {
      await this.resolveByNonce(rows, `transaction ${receipt.transactionHash} reverted`);
      return;
    }
    const placed = parseEventLogs({ abi: energyListingAbi, logs: receipt.logs, eventName: 'OrderPlaced' }).filter((log) => log.address.toLowerCase() === this.chain.listing);
    const highest = new Map<string, bigint>();
    for (const [index, row] of [...rows].sort((a, b) => (a.batchIndex ?? 0) - (b.batchIndex ?? 0)).entries()) {
      // placeSignedOrders emits one OrderPlaced per order, in the batch's order.
      const placedOrderId = row.kind === 'place' ? (placed[index]?.args.orderId ?? null) : null;
      await markSignedOrderConfirmed(this.deps.db, row.id, { txHash: receipt.transactionHash, blockNumber: receipt.blockNumber, placedOrderId });
      if ((highest.get(row.owner) ?? -1n) < row.nonce) highest.set(row.owner, row.nonce);
      this.result.confirmed += 1;
    }
    for (const [owner, nonce] of highest) await recordListingNonce(this.deps.db, this.chain, owner, nonce + 1n);
  }

  async broadcastAndWait(rows: readonly SignedOrderRecord[], rawTx: Hex, txHash: Hex): Promise<void> {
    const ids = rows.map((row) => row.id);
    await this.deps.beforeBroadcast?.(txHash, ids);
    try {
      await this.deps.clients.publicClient.sendRawTransaction({ serializedTransaction: rawTx });
    } catch (error) {
      if (!/already known|already imported|known transaction/i.test(firstLine(error))) throw error;
    }
    this.result.transactions += 1;
    await this.deps.afterBroadcast?.(txHash, ids);
    const receipt = await this.deps.clients.publicClient.waitForTransactionReceipt({ hash: txHash, timeout: this.deps.receiptTimeoutMs ?? 30_000 });
    await this.finish(rows.map((row) => ({ ...row, txHash })), receipt);
  }

  /** A transaction sent before (this round's or a crashed one's): its receipt, else its bytes again, else the nonces decide. */
  async settleSent(rows: readonly SignedOrderRecord[]): Promise<void> {
    const { txHash, rawTx } = rows[0]!;
    const receipt = txHash === null ? undefined : await this.findReceipt(txHash);
    if (receipt !== undefined) return this.finish(rows, receipt);
    if (txHash !== null && rawTx !== null) {
      try {
        return await this.broadcastAndWait(rows, rawTx, txHash);
      } catch (error) {
        // The relay's account nonce went to another transaction: ours can never be mined.
        if (!/nonce too low|nonce.*lower|replacement transaction underpriced/i.test(firstLine(error))) throw error;
      }
    }
    await this.resolveByNonce(rows, `transaction ${txHash} was not mined`);
  }

  /** The first order of `batch` the contract refuses, with its reason; undefined when the whole batch passes. */
  async findRefused(batch: readonly SignedOrderRecord[]): Promise<{ row: SignedOrderRecord; revert: { name: string; args: readonly unknown[] } } | undefined> {
    const simulate = (rows: readonly SignedOrderRecord[]) =>
      this.deps.clients.publicClient.simulateContract({ address: this.deps.listing, abi: energyListingAbi, ...callOf(rows), account: this.deps.clients.account } as never);
    try {
      await simulate(batch);
      return undefined;
    } catch (error) {
      const revert = revertOf(error);
      if (revert === undefined) throw error;
      if (batch.length === 1 || revert.name === 'EnforcedPause') return { row: batch[0]!, revert };
    }
    for (let length = 1; length <= batch.length; length++) {
      try {
        await simulate(batch.slice(0, length));
      } catch (error) {
        const revert = revertOf(error);
        if (revert === undefined) throw error;
        return { row: batch[length - 1]!, revert };
      }
    }
    throw new Error('placeSignedOrders reverted as a batch while every prefix passed; will retry');
  }

  /** Simulates, leaves out what the contract refuses, signs, stores `sent`, broadcasts, waits. */
  async send(rows: readonly SignedOrderRecord[]): Promise<void> {
    let batch = [...rows];
    for (;;) {
      const refused = await this.findRefused(batch);
      if (refused === undefined) break;
      if (refused.revert.name === 'EnforcedPause') {
        await this.defer(batch, new Error('EnergyListing is paused'));
        return;
      }
      await this.fail(refused.row, codeOfRevert(refused.revert, refused.row), describeRevert(refused.revert));
      // Later nonces of the same owner would now skip one: they wait for a new signature of the missing nonce.
      batch = batch.filter((row) => row !== refused.row && !(row.owner === refused.row.owner && row.nonce > refused.row.nonce));
      if (batch.length === 0) return;
    }
    const { walletClient } = this.deps.clients;
    const data = encodeFunctionData({ abi: energyListingAbi, ...callOf(batch) } as never);
    const request = await walletClient.prepareTransactionRequest({ to: this.deps.listing, data, account: walletClient.account, chain: walletClient.chain });
    const rawTx = await walletClient.signTransaction(request as never);
    const txHash = keccak256(rawTx);
    if (!(await markSignedOrdersSent(this.deps.db, batch.map((row) => row.id), txHash, rawTx))) return; // another relay took them
    await this.broadcastAndWait(batch.map((row, batchIndex) => ({ ...row, batchIndex })), rawTx, txHash);
  }

  /** Which queued rows go now: per owner, the run of places from its on-chain nonce on (or one cancel). */
  async plan(due: readonly SignedOrderRecord[]): Promise<{ places: SignedOrderRecord[]; cancels: SignedOrderRecord[] }> {
    const block = await this.deps.clients.publicClient.getBlock({ blockTag: 'latest' });
    const chainNowS = block.timestamp;
    const maxBatch = this.deps.maxBatchOrders ?? 40;
    const places: SignedOrderRecord[] = [];
    const cancels: SignedOrderRecord[] = [];
    for (const rows of groupBy(due, (row) => row.owner)) {
      let expected = await this.readNonce(rows[0]!.owner);
      let hasPlaces = false;
      for (const row of rows) {
        if (row.nonce < expected) {
          await this.resolveByNonce([row], `nonce ${row.nonce} is below the on-chain nonce ${expected}`);
          continue;
        }
        if (row.deadlineS <= chainNowS + DEADLINE_MARGIN_S) {
          await this.fail(row, 'signature_expired', `the signature's deadline ${row.deadlineS} passed before it could be sent (chain time ${chainNowS})`);
          continue;
        }
        if (row.kind === 'place' && BigInt(row.order!.validUntilS) <= chainNowS + DEADLINE_MARGIN_S) {
          await this.fail(row, 'window_invalid', `the order's window ended at ${row.order!.validUntilS} before it could be sent (chain time ${chainNowS})`);
          continue;
        }
        if (row.nonce > expected) break; // an earlier nonce is missing: wait for it
        if (row.kind === 'cancel') {
          if (!hasPlaces) cancels.push(row);
          break;
        }
        if (places.length >= maxBatch) break;
        places.push(row);
        hasPlaces = true;
        expected += 1n;
      }
    }
    return { places, cancels };
  }
}

/**
 * One round: settles what was sent before, then sends what is due. Never throws for chain trouble: the rows wait
 * with backoff.
 * @example const result = await submitSignedOrders({ db, clients: chain.clients, listing: chain.addresses.energyListing, logger });
 */
export async function submitSignedOrders(deps: SubmitSignedOrdersDeps): Promise<SubmitRoundResult> {
  const submitter = new Submitter(deps);
  for (const rows of groupBy(await listDueSentSignedOrders(deps.db, submitter.chain), (row) => String(row.txHash))) {
    try {
      await submitter.settleSent(rows);
    } catch (error) {
      await submitter.defer(rows, error);
    }
  }
  const due = await listDueQueuedSignedOrders(deps.db, submitter.chain);
  if (due.length === 0) return submitter.result;
  let plan: { places: SignedOrderRecord[]; cancels: SignedOrderRecord[] };
  try {
    plan = await submitter.plan(due);
  } catch (error) {
    await submitter.defer(due, error);
    return submitter.result;
  }
  for (const batch of [...plan.cancels.map((row) => [row]), ...(plan.places.length > 0 ? [plan.places] : [])]) {
    try {
      await submitter.send(batch);
    } catch (error) {
      await submitter.defer(batch, error);
    }
  }
  return submitter.result;
}
