/**
 * Why a signed order (EIP-712 `PlaceOrder` / `CancelOrder` for `EnergyListing`) was refused, by the relay when it
 * was posted or by the chain when the relay sent it. The web room maps each code to an HTTP status; the queue
 * stores the code of a row the chain refused (`signed_orders.failure_code`).
 */
import { CodedError } from '../codedError.ts';

export type SignedOrderErrorCode =
  /** Not 65 bytes r ‖ s ‖ v, v not 27/28 (or 0/1), s in the upper half of the curve order, or no point recovers. */
  | 'malformed_signature'
  /** The signature recovers to another address than the order's owner: forged, or signed for another order, chain or contract. */
  | 'wrong_signer'
  /** `deadlineS` has passed. */
  | 'signature_expired'
  /** `validUntilS` ≤ `validFromS`, or the window has already ended. */
  | 'window_invalid'
  /** `maxWhPerInterval` is 0. */
  | 'quantity_zero'
  /** The nonce was used on-chain or is held by another live submission (a replay). */
  | 'nonce_used'
  /** The nonce skips one the owner has not used yet: the chain takes nonces in order. */
  | 'nonce_gap'
  /** The relay knows no such meter. */
  | 'unknown_meter'
  /** The meter is known but not registered (or inactive): it trades nothing. */
  | 'meter_not_registered'
  /** The order's owner is not the meter's registered owner. */
  | 'not_meter_owner'
  /** The order's zone is not the meter's zone's on-chain id (`ZoneDirectory.chainZoneOf(meter.zone)`). */
  | 'wrong_zone'
  /** No market room has announced an `EnergyListing` yet (the relay runs without a chain). */
  | 'listing_unavailable'
  /** A cancel names an order the owner never placed (or not yet indexed). */
  | 'order_not_found'
  /** A cancel names an order that is already cancelled. */
  | 'order_cancelled'
  /** The chain refused the row for a reason without a code of its own (the message says which). */
  | 'chain_refused';

/** A refused signed order, with a stable `code` and a message saying what was expected and what came. */
export class SignedOrderError extends CodedError<SignedOrderErrorCode> {
  override readonly name = 'SignedOrderError';
}
