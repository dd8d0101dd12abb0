/**
 * The checks a signed `EnergyListing` order passes before the relay queues it, in the order the contract makes
 * them, so that what the relay takes the chain also takes (`placeSignedOrders`, `cancelSignedOrder`):
 *  1. the signature is 65 bytes r ‖ s ‖ v with v 27/28 and a low s (OpenZeppelin `ECDSA.recover` refuses any
 *     other form; a wallet's v of 0/1 is moved to 27/28 — v is not part of what is signed);
 *  2. it recovers, over the EIP-712 digest of this deployment's domain, to the order's owner (`SignerNotOwner`);
 *  3. the deadline has not passed (`SignatureExpired`);
 *  4. a placed order has a quantity and a window that has not ended (`OrderQuantityZero`, `OrderWindowInvalid`).
 * Pure: no database, no chain; `acceptSignedOrder.ts` adds the meter, zone and nonce checks.
 */
import { hashTypedData, recoverTypedDataAddress, type Hex } from 'viem';
import { cancelOrderTypedData, placeOrderTypedData, type ListingDomain, type ListingOrder } from '../../shared/market/listingTypedData.ts';
import { SignedOrderError } from './signedOrderError.ts';

/** A `PlaceOrder` with its signature, as posted. */
export interface SignedPlaceOrder {
  order: ListingOrder;
  nonce: bigint;
  deadlineS: bigint;
  signature: Hex;
}

/** A `CancelOrder` with its signature, as posted. */
export interface SignedCancelOrder {
  owner: `0x${string}`;
  orderId: bigint;
  nonce: bigint;
  deadlineS: bigint;
  signature: Hex;
}

/** A signature that passed: the EIP-712 digest and the signature as the contract takes it (v 27/28). */
export interface VerifiedSignature {
  digest: Hex;
  signature: Hex;
}

/** secp256k1 group order n, and n / 2: OpenZeppelin refuses s > n / 2 (EIP-2 malleability). */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_CURVE_ORDER = CURVE_ORDER >> 1n;

/**
 * The signature in the one form `ECDSA.recover(bytes32, bytes)` takes: r ‖ s ‖ v, 65 bytes, v 27 or 28, 0 < r < n,
 * 0 < s ≤ n/2.
 * @throws {SignedOrderError} `malformed_signature`.
 */
export function normalizeSignature(signature: string): Hex {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new SignedOrderError('malformed_signature', `expected a 65-byte signature r ‖ s ‖ v as 0x + 130 hex digits, got ${signature.length < 140 ? JSON.stringify(signature) : `${signature.length} characters`}`);
  }
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (r === 0n || r >= CURVE_ORDER) throw new SignedOrderError('malformed_signature', 'expected r in 1 … n − 1 of secp256k1');
  if (s === 0n || s > HALF_CURVE_ORDER) throw new SignedOrderError('malformed_signature', 'expected a low s (s ≤ n/2, EIP-2): the contract refuses a high-s signature');
  if (v !== 0 && v !== 1 && v !== 27 && v !== 28) throw new SignedOrderError('malformed_signature', `expected v 27 or 28 (or 0 / 1), got ${v}`);
  const vByte = (v < 27 ? v + 27 : v).toString(16);
  return `0x${signature.slice(2, 130).toLowerCase()}${vByte}` as Hex;
}

async function recoverOrRefuse(typed: Parameters<typeof hashTypedData>[0], signature: Hex, owner: string, what: string): Promise<Hex> {
  let signer: string;
  try {
    signer = await recoverTypedDataAddress({ ...typed, signature } as Parameters<typeof recoverTypedDataAddress>[0]);
  } catch (cause) {
    throw new SignedOrderError('malformed_signature', `no public key recovers from the signature: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
  if (signer.toLowerCase() !== owner.toLowerCase()) {
    throw new SignedOrderError(
      'wrong_signer',
      `the signature of this ${what} recovers to ${signer.toLowerCase()}, not to its owner ${owner.toLowerCase()}: it was signed by another key, or over other fields, chain id ${typed.domain?.chainId} or contract ${String(typed.domain?.verifyingContract).toLowerCase()}`,
    );
  }
  return hashTypedData(typed);
}

function checkDeadline(deadlineS: bigint, nowS: number): void {
  if (deadlineS <= BigInt(Math.floor(nowS))) {
    throw new SignedOrderError('signature_expired', `the signature's deadline ${deadlineS} has passed (now ${Math.floor(nowS)}); sign again with a later deadlineS`);
  }
}

/**
 * Checks a signed `PlaceOrder` against the deployment's `domain` at time `nowS` (Unix seconds).
 * @throws {SignedOrderError} `malformed_signature`, `wrong_signer`, `signature_expired`, `window_invalid`, `quantity_zero`.
 * @example const { digest } = await verifySignedPlaceOrder(listingDomain(31337, listing), posted, Date.now() / 1000);
 */
export async function verifySignedPlaceOrder(domain: ListingDomain, signed: SignedPlaceOrder, nowS: number): Promise<VerifiedSignature> {
  const signature = normalizeSignature(signed.signature);
  const typed = placeOrderTypedData(domain, signed.order, signed.nonce, signed.deadlineS);
  const digest = await recoverOrRefuse(typed as never, signature, signed.order.owner, 'order');
  checkDeadline(signed.deadlineS, nowS);
  const { order } = signed;
  if (order.maxWhPerInterval === 0) throw new SignedOrderError('quantity_zero', 'expected maxWhPerInterval ≥ 1 Wh, got 0');
  if (order.validUntilS <= order.validFromS) {
    throw new SignedOrderError('window_invalid', `expected validFromS < validUntilS, got ${order.validFromS} … ${order.validUntilS}`);
  }
  if (order.validUntilS <= Math.floor(nowS)) {
    throw new SignedOrderError('window_invalid', `the order's window ended at ${order.validUntilS} (now ${Math.floor(nowS)}); the contract takes only orders valid after now`);
  }
  return { digest, signature };
}

/**
 * Checks a signed `CancelOrder` against the deployment's `domain` at time `nowS`.
 * @throws {SignedOrderError} `malformed_signature`, `wrong_signer`, `signature_expired`.
 */
export async function verifySignedCancelOrder(domain: ListingDomain, signed: SignedCancelOrder, nowS: number): Promise<VerifiedSignature> {
  const signature = normalizeSignature(signed.signature);
  const typed = cancelOrderTypedData(domain, signed.owner, signed.orderId, signed.nonce, signed.deadlineS);
  const digest = await recoverOrRefuse(typed as never, signature, signed.owner, 'cancel');
  checkDeadline(signed.deadlineS, nowS);
  return { digest, signature };
}
