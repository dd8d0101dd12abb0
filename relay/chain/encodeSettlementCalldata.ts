/**
 * Packed settlement calldata (docs/contracts.md §"Settlement calldata", `ITradingMarketplace.settle`):
 * `sellers` = n × 177 bytes: seller (20) ‖ canonical seal bytes (92, docs/protocol.md) ‖ r (32) ‖ s (32) ‖ v (1);
 * `trades`  = m × 26 bytes: buyer (20) ‖ seller index (uint16) ‖ energyWh (uint32), big-endian, grouped by buyer.
 */
import { bytesToHex as viemBytesToHex, type Hex } from 'viem';
import { encodeSealBytes } from '../../shared/protocol/canonicalBytes.ts';
import { hexToBytes } from '../../shared/protocol/hex.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';

export const SELLER_ENTRY_BYTES = 177;
export const TRADE_ENTRY_BYTES = 26;

/** One seller entry: who is paid, and the seal (signed by the meter) that vouches for its export. */
export interface SellerEntry {
  seller: string;
  seal: SealRecord;
}

/** Sellers one batch can name: the trade entry's u16 keeps its top 2 bits for the buyer's climb. */
export const MAX_SELLERS_PER_BATCH = 0x4000;

/**
 * One trade entry; `sellerIndex` points into the sellers list; `buyerClimb` (0…3, default 0) is how many zone
 * levels the buyer's order climbed to the batch's zone, which sets the buyer's grid fee on-chain.
 */
export interface TradeEntry {
  buyer: string;
  sellerIndex: number;
  energyWh: number;
  buyerClimb?: number;
}

/** Packs the sellers. The seal's `sig` is already r ‖ s ‖ v (docs/protocol.md), as the contract reads it. */
export function encodeSellers(entries: readonly SellerEntry[]): Hex {
  const out = new Uint8Array(entries.length * SELLER_ENTRY_BYTES);
  entries.forEach((entry, i) => {
    const offset = i * SELLER_ENTRY_BYTES;
    out.set(hexToBytes(entry.seller.toLowerCase(), 20, 'seller'), offset);
    out.set(encodeSealBytes(entry.seal), offset + 20);
    out.set(hexToBytes(entry.seal.sig, 65, 'sig'), offset + 112);
  });
  return viemBytesToHex(out);
}

/** Packs the trades, in the order given (group them by buyer first: one ledger write per run of a buyer). */
export function encodeTrades(entries: readonly TradeEntry[]): Hex {
  const out = new Uint8Array(entries.length * TRADE_ENTRY_BYTES);
  const view = new DataView(out.buffer);
  entries.forEach((entry, i) => {
    const offset = i * TRADE_ENTRY_BYTES;
    if (!Number.isInteger(entry.sellerIndex) || entry.sellerIndex < 0 || entry.sellerIndex >= MAX_SELLERS_PER_BATCH) throw new RangeError(`sellerIndex: expected 0 … ${MAX_SELLERS_PER_BATCH - 1}, got ${entry.sellerIndex}`);
    const buyerClimb = entry.buyerClimb ?? 0;
    if (!Number.isInteger(buyerClimb) || buyerClimb < 0 || buyerClimb > 3) throw new RangeError(`buyerClimb: expected 0 … 3, got ${buyerClimb}`);
    if (!Number.isInteger(entry.energyWh) || entry.energyWh <= 0 || entry.energyWh > 0xffffffff) throw new RangeError(`energyWh: expected 1 … 2^32 − 1, got ${entry.energyWh}`);
    out.set(hexToBytes(entry.buyer.toLowerCase(), 20, 'buyer'), offset);
    view.setUint16(offset + 20, (buyerClimb << 14) | entry.sellerIndex);
    view.setUint32(offset + 22, entry.energyWh);
  });
  return viemBytesToHex(out);
}

/** The meter of each packed seller entry: the seal's meter, after the seller (20 bytes) and the seal's kind and version (2). */
export function sellerMetersOf(sellersHex: Hex): string[] {
  const meters: string[] = [];
  for (let offset = 2; offset + SELLER_ENTRY_BYTES * 2 <= sellersHex.length; offset += SELLER_ENTRY_BYTES * 2) {
    meters.push(`0x${sellersHex.slice(offset + 44, offset + 84).toLowerCase()}`);
  }
  return meters;
}

/** Reads packed trades back (for escrow checks and audits). */
export function decodeTrades(tradesHex: Hex): TradeEntry[] {
  const digits = tradesHex.slice(2);
  if (digits.length % (TRADE_ENTRY_BYTES * 2) !== 0) throw new RangeError(`trades: expected a multiple of ${TRADE_ENTRY_BYTES} bytes, got ${digits.length / 2}`);
  const entries: TradeEntry[] = [];
  for (let offset = 0; offset < digits.length; offset += TRADE_ENTRY_BYTES * 2) {
    const indexField = parseInt(digits.slice(offset + 40, offset + 44), 16);
    entries.push({ buyer: `0x${digits.slice(offset, offset + 40)}`, sellerIndex: indexField & (MAX_SELLERS_PER_BATCH - 1), energyWh: parseInt(digits.slice(offset + 44, offset + 52), 16), buyerClimb: indexField >> 14 });
  }
  return entries;
}
