/**
 * Takes a household's signed order (EIP-712, `shared/market/listingTypedData.ts`) into the queue the chain room
 * sends to `EnergyListing` (`relay/chain/submitSignedOrders.ts`), after every check the chain would make and the
 * relay's own: the signature recovers to the order's owner over this deployment's domain (`listing_chain`), the
 * deadline and window are in the future, the owner is the registered owner of the meter the order came through and
 * the order names that meter's zone, and the nonce is the owner's next free one. Nothing here is placed yet: the
 * standing order changes when the chain's `OrderPlaced` is indexed back (`relay/chain/indexListingOrders.ts`), the
 * one path from chain to `standing_orders`.
 */
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { listingDomain, type ListingDomain } from '../../shared/market/listingTypedData.ts';
import { readListingChain, type ListingChain } from '../store/marketQueries/listingChain.ts';
import { listOwnerListingOrders } from '../store/marketQueries/listingOrders.ts';
import { insertSignedOrder, type NewSignedOrder, type SignedOrderRecord } from '../store/marketQueries/signedOrders.ts';
import { findMeter, type MeterWithOwner } from '../store/queries/findMeter.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { SignedOrderError } from './signedOrderError.ts';
import { checkSignedOrderNonce, readOwnerNonceState } from './signedOrderNonce.ts';
import { verifySignedCancelOrder, verifySignedPlaceOrder, type SignedCancelOrder, type SignedPlaceOrder } from './verifySignedOrder.ts';

/** The listing signed orders go to, and its EIP-712 domain. */
export async function requireListing(db: RelayDatabase): Promise<{ chain: ListingChain; domain: ListingDomain }> {
  const chain = await readListingChain(db);
  if (chain === undefined) throw new SignedOrderError('listing_unavailable', 'this relay has no EnergyListing yet (its market room has not opened a chain); use PUT /standing-order, or try again later');
  return { chain, domain: listingDomain(chain.chainId, chain.listing) };
}

/** The meter the order came through. @throws {SignedOrderError} `unknown_meter`. */
export async function requireMeter(db: RelayDatabase, meterAddress: string): Promise<MeterWithOwner> {
  const found = await findMeter(db, meterAddress);
  if (found === undefined) throw new SignedOrderError('unknown_meter', `no meter ${meterAddress} is known to this relay`);
  return found;
}

function checkMeterOwner(found: MeterWithOwner, owner: string): void {
  if (!found.meter.isRegistered || !found.meter.isActive) {
    throw new SignedOrderError('meter_not_registered', `meter ${found.meter.address} is not a registered, active meter; the operator registers it with POST /api/v1/meters`);
  }
  if (found.ownerAddress !== owner.toLowerCase()) {
    throw new SignedOrderError('not_meter_owner', `${owner.toLowerCase()} signed, but is not the registered owner of meter ${found.meter.address}`);
  }
}

async function enqueue(db: RelayDatabase, chain: ListingChain, entry: NewSignedOrder): Promise<SignedOrderRecord> {
  checkSignedOrderNonce(await readOwnerNonceState(db, chain, entry.owner), entry.nonce);
  const queued = await insertSignedOrder(db, chain, entry);
  // Lost a race for the nonce to a concurrent request: the unique index let only one row hold it.
  if (queued === undefined) throw new SignedOrderError('nonce_used', `nonce ${entry.nonce} was just taken by another submission of ${entry.owner.toLowerCase()}; sign again with the next nonce`);
  return queued;
}

/**
 * Checks a signed `PlaceOrder` posted for `meterAddress` and queues it.
 * @throws {SignedOrderError} `listing_unavailable`, `unknown_meter`, `malformed_signature`, `wrong_signer`,
 *   `signature_expired`, `window_invalid`, `quantity_zero`, `meter_not_registered`, `not_meter_owner`,
 *   `wrong_zone`, `nonce_used`, `nonce_gap`.
 * @example const queued = await acceptSignedPlaceOrder(db, meter, { order, nonce, deadlineS, signature }, Date.now() / 1000);
 */
export async function acceptSignedPlaceOrder(db: RelayDatabase, meterAddress: string, signed: SignedPlaceOrder, nowS: number, chainZoneOf: (zone: string) => bigint = zoneIdFromName): Promise<SignedOrderRecord> {
  const { chain, domain } = await requireListing(db);
  const found = await requireMeter(db, meterAddress);
  // The signature first: whoever cannot sign as the owner learns nothing about the meter's owner or zone.
  const verified = await verifySignedPlaceOrder(domain, signed, nowS);
  checkMeterOwner(found, signed.order.owner);
  const meterZoneId = chainZoneOf(found.meter.zone);
  if (meterZoneId !== signed.order.zone) {
    throw new SignedOrderError('wrong_zone', `the order names zone id ${signed.order.zone}, but meter ${found.meter.address} is in zone "${found.meter.zone}" (id ${meterZoneId})`);
  }
  return enqueue(
    db,
    chain,
    { kind: 'place', owner: signed.order.owner, meter: found.meter.address, order: signed.order, cancelOrderId: null, nonce: signed.nonce, deadlineS: signed.deadlineS, ...verified },
  );
}

/**
 * Checks a signed `CancelOrder` posted for `meterAddress` and queues it. The order must be one of the owner's
 * indexed `OrderPlaced` orders in the meter's zone, not cancelled.
 * @throws {SignedOrderError} as {@link acceptSignedPlaceOrder} (without the order's own checks), and
 *   `order_not_found`, `order_cancelled`.
 */
export async function acceptSignedCancelOrder(db: RelayDatabase, meterAddress: string, signed: SignedCancelOrder, nowS: number, chainZoneOf: (zone: string) => bigint = zoneIdFromName): Promise<SignedOrderRecord> {
  const { chain, domain } = await requireListing(db);
  const found = await requireMeter(db, meterAddress);
  const verified = await verifySignedCancelOrder(domain, signed, nowS);
  checkMeterOwner(found, signed.owner);
  const placed = (await listOwnerListingOrders(db, chain.listing, signed.owner)).find((order) => order.orderId === signed.orderId);
  if (placed === undefined || placed.zone !== chainZoneOf(found.meter.zone)) {
    throw new SignedOrderError('order_not_found', `${signed.owner.toLowerCase()} has no order ${signed.orderId} on EnergyListing in the zone of meter ${found.meter.address} (as indexed so far)`);
  }
  if (placed.isCancelled) throw new SignedOrderError('order_cancelled', `order ${signed.orderId} is already cancelled`);
  return enqueue(db, chain, { kind: 'cancel', owner: signed.owner, meter: found.meter.address, order: null, cancelOrderId: signed.orderId, nonce: signed.nonce, deadlineS: signed.deadlineS, ...verified });
}
