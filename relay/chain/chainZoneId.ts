/**
 * The on-chain id of a relay zone: the registry and the marketplace key zones by `uint64`, the relay by name.
 * id = the first 8 bytes of keccak256(utf8(zone name)), so every relay derives the same id without a table.
 */
import { keccak256, toBytes } from 'viem';

/** @example chainZoneId('feeder-1') // → a stable bigint below 2^64 */
export function chainZoneId(zone: string): bigint {
  return BigInt(keccak256(toBytes(zone))) >> 192n;
}
