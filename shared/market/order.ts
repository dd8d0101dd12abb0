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
 * pays if it trades in this zone. Four fields and nothing derived: a zone of 100 000 orders makes 100 000 of
 * these before every auction (ADR 0103).
 */
export interface BookEntry {
  readonly order: Order;
  readonly energyWh: number;
  readonly limitMicroPerKWh: number;
  readonly feeMicroPerKWh: number;
}

/** The book entry of a freshly placed order: full energy, its own limit, no fee. */
export function bookEntryOf(order: Order): BookEntry {
  return { order, energyWh: order.energyWh, limitMicroPerKWh: order.limitPriceMicroPerKWh, feeMicroPerKWh: 0 };
}

/** The key under which a participant is recognised on both sides of a book. */
export function participantKey(participant: string): string {
  return participant.toLowerCase();
}

/** How many characters at the end of a participant the hash reads: addresses differ at the end. */
const hashedTailLength = 8;

/**
 * A 32-bit hash of a participant's key (`participantKey`) from its last 8 characters, read from the participant
 * itself without building the key: while those characters are ASCII they are the key's last characters with A–Z
 * lowered (lowering never turns other characters into ASCII ones), so no string is made. Equal keys hash equal;
 * different keys may collide, so it only ever narrows an exact comparison of keys.
 */
export function participantHash(participant: string): number {
  const n = participant.length;
  let h = 0x2545f491;
  for (let i = n > hashedTailLength ? n - hashedTailLength : 0; i < n; i += 1) {
    const c = participant.charCodeAt(i);
    if (c > 0x7f) return keyTailHash(participantKey(participant));
    h = Math.imul(h ^ (c >= 0x41 && c <= 0x5a ? c + 0x20 : c), 0x85ebca6b);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/** The same hash of an already lowered key whose last characters are not all ASCII. */
function keyTailHash(key: string): number {
  const n = key.length;
  let h = 0x2545f491;
  for (let i = n > hashedTailLength ? n - hashedTailLength : 0; i < n; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
