/**
 * The deployed platform's addresses: engineer C's `SystemAddresses` (contracts/deploy/deploySystem.ts), kept per
 * chain id in `chain_deployments` under these names.
 */
import type { SystemAddresses } from '../../contracts/deploy/deploySystem.ts';

export type PlatformAddresses = SystemAddresses;

/** Every key of {@link PlatformAddresses}; a stored deployment missing one is redeployed. */
export const platformContractNames: readonly (keyof PlatformAddresses)[] = [
  'safe', 'safeSingleton', 'safeProxyFactory', 'settlementToken', 'accessManager', 'meterRegistry', 'tradingMarketplace',
  'energyListing', 'greenCertificateNft', 'peerEnergyToken', 'feeStaking', 'liquidityIncentive',
];
