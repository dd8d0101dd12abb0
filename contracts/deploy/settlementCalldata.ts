/**
 * Builds the arguments and calldata of `TradingMarketplace.settle(zone, intervalStartS, intervalEndS, pricePerKWh,
 * sellers, trades)` from typed protocol seals and matched trades, byte for byte as the contract reads them (docs/contracts.md §"Settlement calldata"):
 *
 * - `sellers` = n × 177 bytes: seller address 20 ‖ canonical seal bytes 92 (docs/protocol.md, exactly what the
 *   meter signed) ‖ r 32 ‖ s 32 ‖ v 1;
 * - `trades` = m × 26 bytes: buyer 20 ‖ buyer climb u2 ‖ seller entry index u14 ‖ energyWh u32, big-endian, grouped
 *   by buyer (the contract writes each buyer's ledger entry once per run of consecutive trades). The climb is how many
 *   zone levels the buyer's order climbed to the batch's zone (its grid fee, docs/contracts.md §"Grid fees").
 */
import { encodeFunctionData, type ContractFunctionArgs, type Hex } from 'viem';
import { encodeSealBytes, SEAL_BYTE_LENGTH } from '../../shared/protocol/canonicalBytes.ts';
import { bytesToHex, hexToBytes } from '../../shared/protocol/hex.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { SIGNATURE_BYTE_LENGTH } from '../../shared/protocol/signatureShape.ts';
import { tradingMarketplaceAbi } from './abis.ts';
import { MAX_ZONE_ID, zoneIdLevel } from './zoneId.ts';

/** Bytes of one seller entry: 20 + 92 + 65. */
export const SELLER_ENTRY_BYTE_LENGTH = 20 + SEAL_BYTE_LENGTH + SIGNATURE_BYTE_LENGTH;
/** Bytes of one trade: 20 + 2 + 4. */
export const TRADE_BYTE_LENGTH = 26;
/** The seller index has 14 bits (the top 2 of its u16 are the buyer climb). */
export const MAX_SELLER_ENTRIES = 1 << 14;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT96 = (1n << 96n) - 1n;
const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/** A seal paid to `seller` (who must own the seal's meter in the registry). */
export interface SettlementSeller {
  seller: string;
  seal: SealRecord;
}

/** A matched trade: `energyWh` from `seller` to `buyer` at the batch's clearing price. */
export interface SettlementTrade {
  buyer: string;
  seller: string;
  energyWh: number;
  /** The meter whose seal pays this trade; needed only when `seller` has more than one seal in the batch. */
  meter?: string;
  /**
   * Zone levels the buyer's order climbed to the batch's zone (default 0: placed in it, or no tree); 1 … level − 1
   * of the batch zone otherwise. The buyer pays the grid fees of the levels entered on top of the price.
   */
  buyerClimb?: number;
}

/** One zone interval's clearing, ready to settle. */
export interface SettlementBatch {
  /** On-chain zone id (see zoneIdFromName). */
  zone: bigint;
  /** Start of the settled market interval, Unix seconds. */
  intervalStartS: number;
  /**
   * End of the settled market interval, Unix seconds (> intervalStartS). Every seal of the batch must lie within
   * [intervalStartS, intervalEndS] (docs/protocol.md: a seal's boundaries are its market interval's).
   */
  intervalEndS: number;
  /** Clearing price in settlement-token base units per kWh. */
  pricePerKWh: bigint;
  sellers: readonly SettlementSeller[];
  trades: readonly SettlementTrade[];
}

/** The arguments of `settle`, in the types viem expects for the typed ABI. */
export type SettleArgs = ContractFunctionArgs<typeof tradingMarketplaceAbi, 'nonpayable', 'settle'>;

/** What to send: `args` for `writeContract({ functionName: 'settle', args })`, or the raw `data`. */
export interface SettlementCalldata {
  args: SettleArgs;
  data: Hex;
  /** Trades in the order sent (grouped by buyer, first appearance first). */
  orderedTrades: readonly SettlementTrade[];
}

export type SettlementCalldataErrorCode =
  | 'batch_empty'
  | 'zone_out_of_range'
  | 'interval_out_of_range'
  | 'price_out_of_range'
  | 'too_many_sellers'
  | 'bad_address'
  | 'energy_out_of_range'
  | 'unknown_seller'
  | 'ambiguous_seller'
  | 'buyer_climb_out_of_range';

/** A batch that cannot be encoded, with a stable code and what was expected. */
export class SettlementCalldataError extends Error {
  override readonly name = 'SettlementCalldataError';
  readonly code: SettlementCalldataErrorCode;
  constructor(code: SettlementCalldataErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function checkAddress(value: string, what: string): string {
  if (!ADDRESS_PATTERN.test(value)) {
    throw new SettlementCalldataError('bad_address', `expected ${what} as a 0x-prefixed 20-byte hex address, got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

/** Copies the 20 bytes of a checked address into `out` at `offset`. */
function writeAddress(out: Uint8Array, offset: number, address: string): void {
  out.set(hexToBytes(address, 20, 'address'), offset);
}

/** One 177-byte seller entry. */
export function encodeSellerEntry(entry: SettlementSeller): Uint8Array {
  const out = new Uint8Array(SELLER_ENTRY_BYTE_LENGTH);
  writeAddress(out, 0, checkAddress(entry.seller, 'seller'));
  out.set(encodeSealBytes(entry.seal), 20);
  out.set(hexToBytes(entry.seal.sig, SIGNATURE_BYTE_LENGTH, 'sig'), 20 + SEAL_BYTE_LENGTH);
  return out;
}

/** Stable grouping by buyer: each buyer's trades together, buyers in order of first appearance. */
function groupByBuyer(trades: readonly SettlementTrade[]): SettlementTrade[] {
  const groups = new Map<string, SettlementTrade[]>();
  for (const trade of trades) {
    const buyer = checkAddress(trade.buyer, 'buyer');
    const group = groups.get(buyer);
    if (group === undefined) groups.set(buyer, [trade]);
    else group.push(trade);
  }
  return [...groups.values()].flat();
}

/** Index of the seller entry that pays `trade`. */
function sellerIndexOf(
  trade: SettlementTrade,
  bySeller: Map<string, number[]>,
  byMeter: Map<string, number>,
  sellers: readonly SettlementSeller[],
): number {
  const seller = checkAddress(trade.seller, 'trade seller');
  if (trade.meter !== undefined) {
    const index = byMeter.get(checkAddress(trade.meter, 'trade meter'));
    if (index === undefined || sellers[index]!.seller.toLowerCase() !== seller) {
      throw new SettlementCalldataError('unknown_seller', `expected a seal of meter ${trade.meter} paid to ${trade.seller} in the batch, found none`);
    }
    return index;
  }
  const indexes = bySeller.get(seller);
  if (indexes === undefined) {
    throw new SettlementCalldataError('unknown_seller', `expected a seal paid to ${trade.seller} in the batch, found none`);
  }
  if (indexes.length > 1) {
    throw new SettlementCalldataError('ambiguous_seller', `seller ${trade.seller} has ${indexes.length} seals in the batch: name the trade's meter`);
  }
  return indexes[0]!;
}

/** Encodes `settle(zone, intervalStartS, intervalEndS, pricePerKWh, sellers, trades)` for one zone interval. */
export function buildSettlementCalldata(batch: SettlementBatch): SettlementCalldata {
  if (batch.sellers.length === 0 || batch.trades.length === 0) {
    throw new SettlementCalldataError('batch_empty', `expected at least one seller and one trade, got ${batch.sellers.length} and ${batch.trades.length}`);
  }
  if (batch.zone < 0n || batch.zone > MAX_ZONE_ID) {
    throw new SettlementCalldataError('zone_out_of_range', `expected a uint64 zone id, got ${batch.zone}`);
  }
  if (!Number.isInteger(batch.intervalStartS) || batch.intervalStartS < 0 || batch.intervalStartS > MAX_UINT32) {
    throw new SettlementCalldataError('interval_out_of_range', `expected intervalStartS as a uint32 of Unix seconds, got ${batch.intervalStartS}`);
  }
  if (!Number.isInteger(batch.intervalEndS) || batch.intervalEndS <= batch.intervalStartS || batch.intervalEndS > MAX_UINT32) {
    throw new SettlementCalldataError('interval_out_of_range', `expected intervalEndS as a uint32 above intervalStartS ${batch.intervalStartS}, got ${batch.intervalEndS}`);
  }
  if (batch.pricePerKWh < 0n || batch.pricePerKWh > MAX_UINT96) {
    throw new SettlementCalldataError('price_out_of_range', `expected pricePerKWh as a uint96, got ${batch.pricePerKWh}`);
  }
  if (batch.sellers.length > MAX_SELLER_ENTRIES) {
    throw new SettlementCalldataError('too_many_sellers', `expected at most ${MAX_SELLER_ENTRIES} seller entries (u14 index), got ${batch.sellers.length}`);
  }

  const sellerBytes = new Uint8Array(batch.sellers.length * SELLER_ENTRY_BYTE_LENGTH);
  const bySeller = new Map<string, number[]>();
  const byMeter = new Map<string, number>();
  batch.sellers.forEach((entry, index) => {
    sellerBytes.set(encodeSellerEntry(entry), index * SELLER_ENTRY_BYTE_LENGTH);
    const seller = entry.seller.toLowerCase();
    bySeller.set(seller, [...(bySeller.get(seller) ?? []), index]);
    byMeter.set(entry.seal.meter.toLowerCase(), index);
  });

  const orderedTrades = groupByBuyer(batch.trades);
  const tradeBytes = new Uint8Array(orderedTrades.length * TRADE_BYTE_LENGTH);
  const view = new DataView(tradeBytes.buffer);
  const zoneLevel = zoneIdLevel(batch.zone);
  orderedTrades.forEach((trade, t) => {
    if (!Number.isInteger(trade.energyWh) || trade.energyWh < 1 || trade.energyWh > MAX_UINT32) {
      throw new SettlementCalldataError('energy_out_of_range', `expected trade ${t} energyWh as an integer in 1…${MAX_UINT32}, got ${trade.energyWh}`);
    }
    const climb = trade.buyerClimb ?? 0;
    if (!Number.isInteger(climb) || climb < 0 || (climb !== 0 && climb >= zoneLevel)) {
      throw new SettlementCalldataError('buyer_climb_out_of_range', `expected trade ${t} buyerClimb as 0 or 1…${zoneLevel - 1} (zone level ${zoneLevel}), got ${trade.buyerClimb}`);
    }
    const offset = t * TRADE_BYTE_LENGTH;
    writeAddress(tradeBytes, offset, checkAddress(trade.buyer, 'buyer'));
    view.setUint16(offset + 20, (climb << 14) | sellerIndexOf(trade, bySeller, byMeter, batch.sellers));
    view.setUint32(offset + 22, trade.energyWh);
  });

  const args: SettleArgs = [
    batch.zone,
    batch.intervalStartS,
    batch.intervalEndS,
    batch.pricePerKWh,
    bytesToHex(sellerBytes) as Hex,
    bytesToHex(tradeBytes) as Hex,
  ];
  const data = encodeFunctionData({ abi: tradingMarketplaceAbi, functionName: 'settle', args });
  return { args, data, orderedTrades };
}
