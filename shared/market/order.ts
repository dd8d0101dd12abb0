/**
 * An order for one market interval in one zone. Energy in Wh, limit price in micro-units of the settlement
 * token (6 decimals) per kWh: a seller's minimum, a buyer's maximum.
 */

/** Which side of the book an order is on. */
export type Side = 'sell' | 'buy';

/** One order, as placed by (or on behalf of) a participant. */
export interface Order {
  /** Unique within the interval (and within the zone tree). */
  readonly id: string;
  /** The participant's address; compared case-insensitively for the self-trade rule. */
  readonly participant: string;
  readonly side: Side;
  /** Energy offered or wanted, Wh, positive integer ≤ `maxOrderEnergyWh`. */
  readonly energyWh: number;
  /** Seller's minimum / buyer's maximum price, micro-units per kWh, integer 0…`maxPriceMicroPerKWh` (config). */
  readonly limitPriceMicroPerKWh: number;
}

/** Largest energy one order may carry in one interval: 1 GWh, so sums and products stay exact. */
export const maxOrderEnergyWh = 1_000_000_000;

/**
 * An order as it stands in one zone's book: the energy still available there, its effective limit once the grid
 * fees of the levels it climbed are folded in (sellers' limits raised, buyers' lowered), and the fee per kWh it
 * pays if it trades in this zone.
 */
export interface BookEntry {
  readonly order: Order;
  readonly energyWh: number;
  readonly limitMicroPerKWh: number;
  readonly feeMicroPerKWh: number;
  /** `participantKey(order.participant)`, computed once when the order enters the book. */
  readonly participantKey: string;
  /** `participantHash(participantKey)`: lets the self-trade check skip most string comparisons. */
  readonly participantHash: number;
}

/** The book entry of a freshly placed order: full energy, its own limit, no fee. */
export function bookEntryOf(order: Order): BookEntry {
  const key = participantKey(order.participant);
  return {
    order,
    energyWh: order.energyWh,
    limitMicroPerKWh: order.limitPriceMicroPerKWh,
    feeMicroPerKWh: 0,
    participantKey: key,
    participantHash: participantHash(key),
  };
}

/** The key under which a participant is recognised on both sides of a book. */
export function participantKey(participant: string): string {
  return participant.toLowerCase();
}

/**
 * A 32-bit hash of a participant key (its length, first 4 and last 12 characters: addresses differ at the end).
 * Equal keys hash equal; different keys may collide, so it only ever narrows an exact comparison.
 */
export function participantHash(key: string): number {
  let h = Math.imul(key.length, 0x9e3779b1);
  const n = key.length;
  for (let i = 0; i < n && i < 4; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x85ebca6b);
  for (let i = Math.max(4, n - 12); i < n; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
