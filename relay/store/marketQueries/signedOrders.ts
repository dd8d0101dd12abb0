/**
 * The queue of signed orders (`signed_orders`) between the web room, which takes them in, and the chain room,
 * which sends them to `EnergyListing`. Every step is a conditional update, so two relays — or a relay and its
 * restarted self — never both send one row:
 *
 *   queued ──(signed tx persisted)──► sent(txHash, rawTx) ──receipt ok, or nonce used on-chain──► confirmed
 *     │                                 └─ reverted / dropped, nonce still free ──► queued again (backoff)
 *     └─ refused by the chain's rules (expired, bad nonce, bad window, …) ──► failed(failure_code)
 */
import { sql } from 'drizzle-orm';
import type { Hex } from 'viem';
import type { ListingOrder, ListingSide } from '../../../shared/market/listingTypedData.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';
import type { ListingChain } from './listingChain.ts';

export type SignedOrderKind = 'place' | 'cancel';
export type SignedOrderStatus = 'queued' | 'sent' | 'confirmed' | 'failed';

/** What the web room queues: a place carries its order, a cancel the id of the order it cancels. */
export interface NewSignedOrder {
  kind: SignedOrderKind;
  owner: string;
  meter: string;
  order: ListingOrder | null;
  /** The order a cancel cancels; null for a place. */
  cancelOrderId: bigint | null;
  nonce: bigint;
  deadlineS: bigint;
  signature: Hex;
  digest: Hex;
}

/** A stored row. */
export interface SignedOrderRecord {
  id: number;
  chainId: number;
  listing: `0x${string}`;
  kind: SignedOrderKind;
  owner: `0x${string}`;
  meter: string;
  order: ListingOrder | null;
  /** A cancel: the order it cancels. A place: the id `OrderPlaced` gave it, once confirmed. */
  orderId: bigint | null;
  nonce: bigint;
  deadlineS: bigint;
  signature: Hex;
  digest: Hex;
  status: SignedOrderStatus;
  txHash: Hex | null;
  rawTx: Hex | null;
  batchIndex: number | null;
  blockNumber: bigint | null;
  attempts: number;
  failureCode: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const optionalBigInt = (value: unknown) => (value === null || value === undefined ? null : BigInt(String(value)));
const optionalText = <T extends string>(value: unknown) => (value === null || value === undefined ? null : (String(value) as T));

function toRecord(row: Record<string, unknown>): SignedOrderRecord {
  const kind = String(row.kind) as SignedOrderKind;
  const owner = String(row.owner) as `0x${string}`;
  return {
    id: Number(row.id),
    chainId: Number(row.chain_id),
    listing: String(row.listing) as `0x${string}`,
    kind,
    owner,
    meter: String(row.meter),
    order:
      kind === 'place'
        ? {
            owner,
            zone: BigInt(String(row.zone_id)),
            side: Number(row.side) as ListingSide,
            maxWhPerInterval: Number(row.max_wh_per_interval),
            limitPricePerKWh: BigInt(String(row.limit_price_per_kwh)),
            validFromS: Number(row.valid_from_s),
            validUntilS: Number(row.valid_until_s),
          }
        : null,
    orderId: optionalBigInt(row.order_id),
    nonce: BigInt(String(row.nonce)),
    deadlineS: BigInt(String(row.deadline_s)),
    signature: String(row.signature) as Hex,
    digest: String(row.digest) as Hex,
    status: String(row.status) as SignedOrderStatus,
    txHash: optionalText<Hex>(row.tx_hash),
    rawTx: optionalText<Hex>(row.raw_tx),
    batchIndex: row.batch_index === null || row.batch_index === undefined ? null : Number(row.batch_index),
    blockNumber: optionalBigInt(row.block_number),
    attempts: Number(row.attempts),
    failureCode: optionalText(row.failure_code),
    lastError: optionalText(row.last_error),
    createdAt: new Date(row.created_at as string | Date),
    updatedAt: new Date(row.updated_at as string | Date),
  };
}

/**
 * Queues a signed order; undefined when a live row already holds the owner's nonce (the unique partial index
 * `signed_orders_live_nonce` decides, so two requests racing for one nonce get one row).
 */
export async function insertSignedOrder(db: RelayDatabase, chain: ListingChain, entry: NewSignedOrder): Promise<SignedOrderRecord | undefined> {
  const o = entry.order;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`INSERT INTO signed_orders (chain_id, listing, kind, owner, meter, zone_id, side, max_wh_per_interval, limit_price_per_kwh, valid_from_s, valid_until_s,
          order_id, nonce, deadline_s, signature, digest)
        VALUES (${chain.chainId}, ${chain.listing.toLowerCase()}, ${entry.kind}, ${entry.owner.toLowerCase()}, ${entry.meter},
          ${o === null ? null : o.zone.toString()}, ${o?.side ?? null}, ${o?.maxWhPerInterval ?? null}, ${o === null ? null : o.limitPricePerKWh.toString()},
          ${o?.validFromS ?? null}, ${o?.validUntilS ?? null}, ${entry.cancelOrderId === null ? null : entry.cancelOrderId.toString()},
          ${entry.nonce.toString()}, ${entry.deadlineS.toString()}, ${entry.signature}, ${entry.digest})
        ON CONFLICT (chain_id, listing, owner, nonce) WHERE status <> 'failed' DO NOTHING
        RETURNING *`,
  );
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** Nonces of the owner's live rows (queued, sent, confirmed), and the highest nonce a confirmed row used. */
export async function listHeldNonces(db: RelayDatabase, chain: ListingChain, owner: string): Promise<{ held: bigint[]; highestConfirmed: bigint | undefined }> {
  const rows = await queryRows<{ nonce: unknown; status: string }>(
    db,
    sql`SELECT nonce, status FROM signed_orders WHERE chain_id = ${chain.chainId} AND listing = ${chain.listing.toLowerCase()} AND owner = ${owner.toLowerCase()} AND status <> 'failed'`,
  );
  let highestConfirmed: bigint | undefined;
  const held = rows.map((row) => {
    const nonce = BigInt(String(row.nonce));
    if (row.status === 'confirmed' && (highestConfirmed === undefined || nonce > highestConfirmed)) highestConfirmed = nonce;
    return nonce;
  });
  return { held: held.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), highestConfirmed };
}

/** The newest rows that came through `meter`, newest first. */
export async function listMeterSignedOrders(db: RelayDatabase, meter: string, limit: number): Promise<SignedOrderRecord[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT * FROM signed_orders WHERE meter = ${meter} ORDER BY id DESC LIMIT ${limit}`);
  return rows.map(toRecord);
}

/** One row. */
export async function findSignedOrder(db: RelayDatabase, id: number): Promise<SignedOrderRecord | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`SELECT * FROM signed_orders WHERE id = ${id}`);
  return row === undefined ? undefined : toRecord(row);
}

/** Queued rows whose next attempt is due, by owner and nonce (the order the chain must see them in). */
export async function listDueQueuedSignedOrders(db: RelayDatabase, chain: ListingChain): Promise<SignedOrderRecord[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT * FROM signed_orders WHERE chain_id = ${chain.chainId} AND listing = ${chain.listing.toLowerCase()} AND status = 'queued' AND next_attempt_at <= now()
        ORDER BY owner, nonce`,
  );
  return rows.map(toRecord);
}

/** Sent rows whose outcome is still unknown and due for a look, grouped by transaction. */
export async function listDueSentSignedOrders(db: RelayDatabase, chain: ListingChain): Promise<SignedOrderRecord[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT * FROM signed_orders WHERE chain_id = ${chain.chainId} AND listing = ${chain.listing.toLowerCase()} AND status = 'sent' AND next_attempt_at <= now()
        ORDER BY tx_hash, batch_index`,
  );
  return rows.map(toRecord);
}

/**
 * queued → sent for every row of one transaction, with its hash and raw bytes, before it is broadcast. All or
 * nothing: false (and no change) when another relay took any of the rows first.
 */
export async function markSignedOrdersSent(db: RelayDatabase, ids: readonly number[], txHash: Hex, rawTx: Hex): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      for (const [batchIndex, id] of ids.entries()) {
        const updated = await queryRows<{ id: unknown }>(
          tx as unknown as RelayDatabase,
          sql`UPDATE signed_orders SET status = 'sent', tx_hash = ${txHash}, raw_tx = ${rawTx}, batch_index = ${batchIndex}, updated_at = now()
              WHERE id = ${id} AND status = 'queued' RETURNING id`,
        );
        if (updated.length !== 1) throw new RowTakenError();
      }
    });
    return true;
  } catch (error) {
    if (error instanceof RowTakenError) return false;
    throw error;
  }
}

class RowTakenError extends Error {}

/** → confirmed: the transaction that placed or cancelled it (ours, or an earlier one found in the logs), and a placed order's id. */
export async function markSignedOrderConfirmed(db: RelayDatabase, id: number, outcome: { txHash: Hex; blockNumber: bigint | null; placedOrderId: bigint | null; note?: string }): Promise<void> {
  await db.execute(sql`UPDATE signed_orders SET status = 'confirmed', tx_hash = ${outcome.txHash}, raw_tx = NULL,
      block_number = ${outcome.blockNumber === null ? null : outcome.blockNumber.toString()},
      order_id = COALESCE(${outcome.placedOrderId === null ? null : outcome.placedOrderId.toString()}, order_id),
      last_error = ${outcome.note ?? null}, updated_at = now()
    WHERE id = ${id} AND status IN ('queued', 'sent')`);
}

/** → failed with a code (the same codes the API refuses with), freeing the nonce for a new signature. */
export async function markSignedOrderFailed(db: RelayDatabase, id: number, failureCode: string, message: string): Promise<void> {
  await db.execute(sql`UPDATE signed_orders SET status = 'failed', failure_code = ${failureCode}, last_error = ${message}, raw_tx = NULL, updated_at = now()
    WHERE id = ${id} AND status IN ('queued', 'sent')`);
}

/** Leaves rows as they are and looks again after `delayMs` (chain down, contract paused). */
export async function deferSignedOrders(db: RelayDatabase, ids: readonly number[], error: string, delayMs: number): Promise<void> {
  for (const id of ids) {
    await db.execute(sql`UPDATE signed_orders SET attempts = attempts + 1, last_error = ${error}, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
      WHERE id = ${id} AND status IN ('queued', 'sent')`);
  }
}

/** sent → queued: the transaction can never place them (reverted, or dropped and its relay nonce reused) while their nonces are still free. */
export async function requeueSignedOrders(db: RelayDatabase, ids: readonly number[], error: string, delayMs: number): Promise<void> {
  for (const id of ids) {
    await db.execute(sql`UPDATE signed_orders SET status = 'queued', tx_hash = NULL, raw_tx = NULL, batch_index = NULL, attempts = attempts + 1, last_error = ${error},
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
      WHERE id = ${id} AND status = 'sent'`);
  }
}
