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

/**
 * Zones of a tree carry their path in the id instead (docs/contracts.md §Zone ids): four 16-bit groups, g3 (bits
 * 48–63) the substation level, g2 the feeder level, g1 the house level, g0 always 0. A zone of level L has group L =
 * its place among its siblings + 1, its ancestors' groups above and zeros below, so `TradingMarketplace` sees that
 * a meter of zone M lies within zone Z with one mask: `M & maskOf(Z) == Z`.
 */
export const ZONE_LEVEL_GROUPS = { house: 1, feeder: 2, substation: 3 } as const;

/** The level group of an on-chain zone id: the index of its lowest non-zero 16-bit group (0 for hash ids and 0). */
export function zoneIdLevel(id: bigint): number {
  for (let group = 0; group < 4; group += 1) if (((id >> BigInt(16 * group)) & 0xffffn) !== 0n) return group;
  return 0;
}

/** The bits a descendant's id shares with `id`: every group from its level up. */
export function zoneIdMask(id: bigint): bigint {
  return MAX_ZONE_ID & ~((1n << BigInt(16 * zoneIdLevel(id))) - 1n);
}

/** Whether a meter registered in zone `meterZone` may be settled in a batch of zone `batchZone` (the contract's rule). */
export function isZoneWithin(meterZone: bigint, batchZone: bigint): boolean {
  return (meterZone & zoneIdMask(batchZone)) === batchZone;
}

/** The id of the child number `childIndex` (0-based) at level group `level` of the zone `parentId` (0n for a root). */
export function childZoneId(parentId: bigint, level: number, childIndex: number): bigint {
  if (!Number.isInteger(level) || level < 1 || level > 3) throw new RangeError(`level: expected 1 … 3, got ${level}`);
  if (!Number.isInteger(childIndex) || childIndex < 0 || childIndex >= 0xffff) throw new RangeError(`childIndex: expected 0 … 65534, got ${childIndex}`);
  if (parentId !== 0n && zoneIdLevel(parentId) !== level + 1) throw new RangeError(`expected a parent one level above ${level}, got zone id ${parentId} at level ${zoneIdLevel(parentId)}`);
  return parentId | (BigInt(childIndex + 1) << BigInt(16 * level));
}
