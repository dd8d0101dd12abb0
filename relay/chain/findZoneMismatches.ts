/**
 * Meters whose on-chain zone is not the id the relay's zone tree gives their zone (`ZoneDirectory.chainZoneOf`):
 * registered before the tree was configured, or before it was reordered. Their sales would settle with
 * `MeterWrongZone`; the market room warns about them at start (docs/grid_integration.md §Zone tree). One registry
 * call for all meters (`meterRecordWords`).
 */
import type { Address } from 'viem';
import type { ChainClients } from './chainClients.ts';
import { platformAbis } from './platformAbis.ts';

export interface ZoneMismatch {
  meter: string;
  zone: string;
  expectedZoneId: bigint;
  registeredZoneId: bigint;
}

/** Registered meters (owner set in the registry) whose registered zone id differs from `chainZoneOf(zone)`. */
export async function findZoneMismatches(
  clients: ChainClients,
  registry: Address,
  meters: readonly { address: string; zone: string }[],
  chainZoneOf: (zone: string) => bigint,
): Promise<ZoneMismatch[]> {
  if (meters.length === 0) return [];
  const words = (await clients.publicClient.readContract({ address: registry, abi: platformAbis().registry, functionName: 'meterRecordWords', args: [meters.map((m) => m.address)] } as never)) as readonly bigint[];
  const mismatches: ZoneMismatch[] = [];
  meters.forEach((meter, i) => {
    const word = words[i] ?? 0n;
    // MeterRecordWordLib: owner bits 0–159, zone bits 160–223.
    if ((word & ((1n << 160n) - 1n)) === 0n) return;
    const registeredZoneId = (word >> 160n) & ((1n << 64n) - 1n);
    const expectedZoneId = chainZoneOf(meter.zone);
    if (registeredZoneId !== expectedZoneId) mismatches.push({ meter: meter.address, zone: meter.zone, expectedZoneId, registeredZoneId });
  });
  return mismatches;
}
