/**
 * The EIP-712 typed data of `EnergyListing` (contracts/src/EnergyListing.sol): a household signs a `PlaceOrder` or
 * a `CancelOrder` with its wallet, and anyone (the relay) submits it with `placeSignedOrders` / `cancelSignedOrder`,
 * paying the gas. One definition for the relay (which checks signatures before queueing them) and the dashboard
 * (which asks the wallet to sign through `eth_signTypedData_v4`), so the two cannot drift apart from each other or
 * from the contract's `ORDER_TYPEHASH` and `CANCEL_TYPEHASH`.
 *
 * Plain data and builders only: no hashing here (viem's `hashTypedData` / `recoverTypedDataAddress` take these
 * values as they are), so the dashboard's bundle carries no crypto for it.
 */

/** `EIP712("PeerEnergyListing", "1")` in the contract's constructor. */
export const LISTING_DOMAIN_NAME = 'PeerEnergyListing';
export const LISTING_DOMAIN_VERSION = '1';

/** `IEnergyListing.Side`: 0 = offer (sell), 1 = bid (buy). */
export const LISTING_SIDE_OFFER = 0;
export const LISTING_SIDE_BID = 1;
export type ListingSide = typeof LISTING_SIDE_OFFER | typeof LISTING_SIDE_BID;

/** Largest values of the order's fixed-width fields (`uint32`, `uint64`, `uint96`, `uint256`). */
export const MAX_UINT32 = 0xffff_ffff;
export const MAX_UINT64 = (1n << 64n) - 1n;
export const MAX_UINT96 = (1n << 96n) - 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;

/** The EIP-712 domain of one deployment (EIP-712 §"Definition of domainSeparator"; no salt). */
export interface ListingDomain {
  name: typeof LISTING_DOMAIN_NAME;
  version: typeof LISTING_DOMAIN_VERSION;
  chainId: number;
  verifyingContract: `0x${string}`;
}

/** `IEnergyListing.Order`: what a signed `PlaceOrder` places. */
export interface ListingOrder {
  owner: `0x${string}`;
  /** On-chain zone id (`contracts/deploy/zoneId.ts`: first 8 bytes of keccak256 of the zone name). */
  zone: bigint;
  side: ListingSide;
  maxWhPerInterval: number;
  /** Micro-units of the settlement token per kWh; 0 = "auto". */
  limitPricePerKWh: bigint;
  validFromS: number;
  validUntilS: number;
}

/** `EIP712Domain` as EIP-712 orders its fields; `eth_signTypedData_v4` wants it listed among the types. */
export const eip712DomainType = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
] as const;

/** Must encode to the contract's `ORDER_TYPEHASH` string, field for field. */
export const placeOrderTypes = {
  PlaceOrder: [
    { name: 'owner', type: 'address' },
    { name: 'zone', type: 'uint64' },
    { name: 'side', type: 'uint8' },
    { name: 'maxWhPerInterval', type: 'uint32' },
    { name: 'limitPricePerKWh', type: 'uint96' },
    { name: 'validFromS', type: 'uint32' },
    { name: 'validUntilS', type: 'uint32' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadlineS', type: 'uint256' },
  ],
} as const;

/** Must encode to the contract's `CANCEL_TYPEHASH` string. */
export const cancelOrderTypes = {
  CancelOrder: [
    { name: 'owner', type: 'address' },
    { name: 'orderId', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadlineS', type: 'uint256' },
  ],
} as const;

/** The domain of the `EnergyListing` at `listing` on chain `chainId`. */
export function listingDomain(chainId: number, listing: `0x${string}`): ListingDomain {
  return { name: LISTING_DOMAIN_NAME, version: LISTING_DOMAIN_VERSION, chainId, verifyingContract: listing };
}

/**
 * The typed data a household signs to place `order` with the owner's `nonce` (`EnergyListing.nonces(owner)`, or
 * the next one after its pending submissions) and a `deadlineS` after which the signature is void.
 * @example const typed = placeOrderTypedData(listingDomain(31337, listing), order, 0n, BigInt(nowS + 3600));
 *          const signature = await account.signTypedData(typed);
 */
export function placeOrderTypedData(domain: ListingDomain, order: ListingOrder, nonce: bigint, deadlineS: bigint) {
  return {
    domain,
    types: placeOrderTypes,
    primaryType: 'PlaceOrder' as const,
    message: {
      owner: order.owner,
      zone: order.zone,
      side: order.side,
      maxWhPerInterval: order.maxWhPerInterval,
      limitPricePerKWh: order.limitPricePerKWh,
      validFromS: order.validFromS,
      validUntilS: order.validUntilS,
      nonce,
      deadlineS,
    },
  };
}

/** The typed data a household signs to cancel its order `orderId`. */
export function cancelOrderTypedData(domain: ListingDomain, owner: `0x${string}`, orderId: bigint, nonce: bigint, deadlineS: bigint) {
  return {
    domain,
    types: cancelOrderTypes,
    primaryType: 'CancelOrder' as const,
    message: { owner, orderId, nonce, deadlineS },
  };
}

/**
 * The JSON text `eth_signTypedData_v4` takes as its second parameter (EIP-712 §"Specification of the
 * eth_signTypedData JSON RPC"): `EIP712Domain` listed among the types (wallets hash the domain with it) and every
 * integer wider than 53 bits as a decimal string.
 * @example await provider.request({ method: 'eth_signTypedData_v4', params: [owner, typedDataV4Json(typed)] });
 */
export function typedDataV4Json(typed: { domain: ListingDomain; types: Record<string, readonly { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> }): string {
  return JSON.stringify(
    { types: { EIP712Domain: eip712DomainType, ...typed.types }, domain: typed.domain, primaryType: typed.primaryType, message: typed.message },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
}
