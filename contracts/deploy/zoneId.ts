/**
 * Grid zones are named by text on the relay (`"zone-a"`, a feeder or substation name) and by a `uint64` on-chain
 * (MeterRegistry, TradingMarketplace.settle, certificates). This is the one mapping between the two; the relay,
 * the CLI and the tests import it from here.
 *
 * Mapping: the first 8 bytes of keccak256(UTF-8 bytes of the name), read big-endian. Names are used exactly as
 * given (no case folding or trimming): `"Zone-A"` and `"zone-a"` are different zones. Two names colliding on 64
 * bits is negligible for the handful of zones a community runs (birthday bound ≈ n² / 2^65).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';

/** Largest zone id a `uint64` holds. */
export const MAX_ZONE_ID = (1n << 64n) - 1n;

/** Thrown for a zone name that cannot name a zone. */
export class ZoneNameError extends Error {
  override readonly name = 'ZoneNameError';
  readonly code = 'zone_name_empty';
}

/** The on-chain `uint64` zone id of the zone called `name` (first 8 bytes of keccak256(UTF-8 name)). */
export function zoneIdFromName(name: string): bigint {
  if (name.length === 0) throw new ZoneNameError('expected a non-empty zone name, got ""');
  const digest = keccak_256(new TextEncoder().encode(name));
  let id = 0n;
  for (let i = 0; i < 8; i++) id = (id << 8n) | BigInt(digest[i]!);
  return id;
}
