/**
 * ABIs the relay calls at run time, read once from forge's artifacts.
 */
import type { Abi } from 'viem';
import { loadContractArtifact } from './contractArtifact.ts';

export interface PlatformAbis {
  marketplace: Abi;
  registry: Abi;
  settlementToken: Abi;
  listing: Abi;
}

let cached: PlatformAbis | undefined;

/** @example const { marketplace } = platformAbis(); */
export function platformAbis(): PlatformAbis {
  cached ??= {
    marketplace: loadContractArtifact('TradingMarketplace').abi,
    registry: loadContractArtifact('MeterRegistry').abi,
    settlementToken: loadContractArtifact('MockSettlementToken').abi,
    listing: loadContractArtifact('EnergyListing').abi,
  };
  return cached;
}
