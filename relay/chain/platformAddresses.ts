/**
 * The deployed platform's addresses (what `deployPlatform` returns and the database keeps per chain id).
 */
import type { Address } from 'viem';

export interface PlatformAddresses {
  safe: Address;
  manager: Address;
  settlementToken: Address;
  registry: Address;
  marketplace: Address;
  listing: Address;
  certificates: Address;
  token: Address;
  staking: Address;
  incentive: Address;
}

/** Names in deployment order (the keys of {@link PlatformAddresses}). */
export const platformContractNames: readonly (keyof PlatformAddresses)[] = [
  'safe', 'manager', 'settlementToken', 'registry', 'marketplace', 'listing', 'certificates', 'token', 'staking', 'incentive',
];
