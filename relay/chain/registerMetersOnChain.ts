/**
 * Registers meters in the on-chain `MeterRegistry` (operator role = the relay's key), skipping those already there.
 */
import type { Address } from 'viem';
import type { ChainClients } from './chainClients.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { platformAbis } from './platformAbis.ts';

export interface ChainMeter {
  address: string;
  owner: string;
  zone: string;
  nameplateW: number;
  /** 1 = Solar, 0 = Unspecified (`Technology` in IMeterRegistry.sol). */
  technology: number;
}

/** Registers each meter not yet registered; resolves with how many it registered. */
export async function registerMetersOnChain(
  clients: ChainClients,
  registry: Address,
  meters: readonly ChainMeter[],
  /** A zone's on-chain id (`ZoneDirectory.chainZoneOf` for a zone tree); default: the hash of its name. */
  chainZoneOf: (zone: string) => bigint = zoneIdFromName,
): Promise<number> {
  const abi = platformAbis().registry;
  let registered = 0;
  const nowS = Math.floor(Date.now() / 1000);
  for (const meter of meters) {
    const record = (await clients.publicClient.readContract({ address: registry, abi, functionName: 'meterRecord', args: [meter.address] })) as { owner: string };
    if (record.owner !== '0x0000000000000000000000000000000000000000') continue;
    const hash = await clients.walletClient.writeContract({
      address: registry, abi, functionName: 'registerMeter',
      args: [meter.address, meter.owner, chainZoneOf(meter.zone), meter.technology, meter.nameplateW, nowS],
    } as never);
    await clients.publicClient.waitForTransactionReceipt({ hash });
    registered += 1;
  }
  return registered;
}
