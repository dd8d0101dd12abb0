/**
 * Deploys the whole platform with viem from forge's artifacts, the same wiring as `contracts/script/DeploySystem.sol`
 * (docs/contracts.md §Administration): one AccessManager whose admin role ends with a Safe 2-of-3 (Safe 1.5 from
 * `@safe-global/safe-smart-account`), the relay's key as SETTLER and OPERATOR, a guardian that can pause. The
 * settlement token is the 6-decimal test stablecoin on a development chain.
 */
import { encodeFunctionData, getAbiItem, toFunctionSelector, zeroAddress, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ChainAccounts } from './chainAccounts.ts';
import type { ChainClients } from './chainClients.ts';
import { ChainError } from './chainError.ts';
import { loadContractArtifact, type ContractArtifact } from './contractArtifact.ts';
import type { PlatformAddresses } from './platformAddresses.ts';

/** AccessManager role ids (`contracts/src/access/Roles.sol`). */
export const roles = { admin: 0n, parameter: 1n, guardian: 2n, settler: 3n, operator: 4n, rewardNotifier: 5n } as const;
const PARAMETER_DELAY_S = 2 * 24 * 3600;

export interface DeployPlatformOptions {
  /** Marketplace fee, bps (capped at 300 by the contract). Default 100. */
  feeBps?: number;
  /** LiquidityIncentive PET per kWh (18 decimals). Default 0.1 PET. */
  rewardPerKWh?: bigint;
}

async function deploy(clients: ChainClients, artifact: ContractArtifact, args: readonly unknown[]): Promise<Address> {
  const hash = await clients.walletClient.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args: args as never });
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new ChainError('deploy_failed', `expected ${artifact.name} to deploy, got status ${receipt.status}`);
  return receipt.contractAddress;
}

async function call(clients: ChainClients, address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<void> {
  const hash = await clients.walletClient.writeContract({ address, abi, functionName, args } as never);
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new ChainError('deploy_failed', `expected ${functionName} on ${address} to succeed, got ${receipt.status}`);
}

function selector(abi: Abi, name: string): Hex {
  return toFunctionSelector(getAbiItem({ abi, name }) as never);
}

/**
 * Deploys and wires every contract; resolves with their addresses.
 * @throws {ChainError} `deploy_failed` or `artifact_missing`.
 * @example const addresses = await deployPlatform(clients, anvilDevelopmentAccounts);
 */
export async function deployPlatform(clients: ChainClients, accounts: ChainAccounts, options: DeployPlatformOptions = {}): Promise<PlatformAddresses> {
  const a = {
    manager: loadContractArtifact('AccessManager'),
    registry: loadContractArtifact('MeterRegistry'),
    marketplace: loadContractArtifact('TradingMarketplace'),
    listing: loadContractArtifact('EnergyListing'),
    certificates: loadContractArtifact('GreenCertificateNFT'),
    token: loadContractArtifact('PeerEnergyToken'),
    staking: loadContractArtifact('FeeStaking'),
    incentive: loadContractArtifact('LiquidityIncentive'),
    settlementToken: loadContractArtifact('MockSettlementToken'),
    safe: loadContractArtifact('Safe'),
    safeFactory: loadContractArtifact('SafeProxyFactory'),
  };
  const relay = clients.account.address;
  const owners = accounts.safeOwnerKeys.map((key) => privateKeyToAccount(key).address);
  const guardian = privateKeyToAccount(accounts.guardianKey).address;
  const treasury = privateKeyToAccount(accounts.treasuryKey).address;

  // The Safe: singleton, factory, proxy set up with 2-of-3 owners.
  const singleton = await deploy(clients, a.safe, []);
  const factory = await deploy(clients, a.safeFactory, []);
  const initializer = encodeFunctionData({ abi: a.safe.abi, functionName: 'setup', args: [owners, 2n, zeroAddress, '0x', zeroAddress, zeroAddress, 0n, zeroAddress] } as never);
  const { result: safe, request } = await clients.publicClient.simulateContract({
    account: clients.account, address: factory, abi: a.safeFactory.abi, functionName: 'createProxyWithNonce', args: [singleton, initializer, 1n],
  } as never) as unknown as { result: Address; request: never };
  const safeHash = await clients.walletClient.writeContract(request);
  await clients.publicClient.waitForTransactionReceipt({ hash: safeHash });

  const settlementToken = await deploy(clients, a.settlementToken, []);
  const manager = await deploy(clients, a.manager, [relay]);
  const registry = await deploy(clients, a.registry, [manager]);
  const marketplace = await deploy(clients, a.marketplace, [manager, settlementToken, registry, options.feeBps ?? 100]);
  const listing = await deploy(clients, a.listing, [manager]);
  const certificates = await deploy(clients, a.certificates, [manager, marketplace, registry, 'https://example.invalid/certificates/{id}.json']);
  const token = await deploy(clients, a.token, [treasury]);
  const staking = await deploy(clients, a.staking, [manager, token, settlementToken, marketplace]);
  const incentive = await deploy(clients, a.incentive, [manager, token, marketplace, options.rewardPerKWh ?? 10n ** 17n]);
  await call(clients, marketplace, a.marketplace.abi, 'setFeeSink', [staking]);

  const assignments: [Address, Abi, string, bigint][] = [
    [registry, a.registry.abi, 'registerMeter', roles.operator],
    [registry, a.registry.abi, 'deactivateMeter', roles.operator],
    [marketplace, a.marketplace.abi, 'settle', roles.settler],
    [marketplace, a.marketplace.abi, 'pause', roles.guardian],
    [marketplace, a.marketplace.abi, 'setFeeBps', roles.parameter],
    [marketplace, a.marketplace.abi, 'setFeeSink', roles.parameter],
    [listing, a.listing.abi, 'pause', roles.guardian],
    [certificates, a.certificates.abi, 'setURI', roles.parameter],
    [staking, a.staking.abi, 'notifyRewardAmount', roles.rewardNotifier],
    [incentive, a.incentive.abi, 'setRewardPerKWh', roles.parameter],
  ];
  for (const [target, abi, name, role] of assignments) {
    await call(clients, manager, a.manager.abi, 'setTargetFunctionRole', [target, [selector(abi, name)], role]);
  }
  const grants: [bigint, Address, number][] = [
    [roles.parameter, safe, PARAMETER_DELAY_S],
    [roles.guardian, guardian, 0],
    [roles.settler, relay, 0],
    [roles.operator, relay, 0],
    [roles.rewardNotifier, marketplace, 0],
    [roles.admin, safe, 0],
  ];
  for (const [role, account, delay] of grants) await call(clients, manager, a.manager.abi, 'grantRole', [role, account, delay]);
  await call(clients, manager, a.manager.abi, 'renounceRole', [roles.admin, relay]);
  return { safe, manager, settlementToken, registry, marketplace, listing, certificates, token, staking, incentive };
}
