/**
 * Deploys and wires the whole platform with viem from the committed bytecode (contracts/deploy/abis.ts), without
 * compiling: the same steps as contracts/script/DeploySystem.sol, plus the Safe that holds the admin role.
 *
 * 1. a Safe (1.5.0 singleton + proxy factory from @safe-global/safe-smart-account, or existing ones), set up
 *    with `safeOwners` and `safeThreshold` (2-of-3 by default);
 * 2. the settlement token: `settlementToken` if given, else a fresh DemoSettlementToken (local chains only);
 * 3. AccessManager (deployer as initial admin), MeterRegistry, TradingMarketplace, EnergyListing,
 *    GreenCertificateNFT, PeerEnergyToken, FeeStaking, LiquidityIncentive; marketplace fee sink = FeeStaking, and the
 *    grid fees and grid operator when given;
 * 4. function roles (contracts/src/access/Roles.sol), role grants (PARAMETER to the Safe with its delay,
 *    GUARDIAN, SETTLER, OPERATOR, REWARD_NOTIFIER to the marketplace), admin to the Safe, deployer renounces.
 *
 * Every transaction waits for its receipt and a reverted one throws `DeploymentError` naming the step.
 */
import {
  encodeFunctionData,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  toFunctionSelector,
  zeroAddress,
} from 'viem';
import {
  accessManagerAbi,
  accessManagerBytecode,
  demoSettlementTokenAbi,
  demoSettlementTokenBytecode,
  energyListingAbi,
  energyListingBytecode,
  feeStakingAbi,
  feeStakingBytecode,
  greenCertificateNftAbi,
  greenCertificateNftBytecode,
  liquidityIncentiveAbi,
  liquidityIncentiveBytecode,
  meterRegistryAbi,
  meterRegistryBytecode,
  peerEnergyTokenAbi,
  peerEnergyTokenBytecode,
  safeAbi,
  safeBytecode,
  safeProxyFactoryAbi,
  safeProxyFactoryBytecode,
  tradingMarketplaceAbi,
  tradingMarketplaceBytecode,
} from './abis.ts';
import {
  ADMIN_ROLE,
  GUARDIAN_ROLE,
  OPERATOR_ROLE,
  PARAMETER_DELAY_S,
  PARAMETER_ROLE,
  REWARD_NOTIFIER_ROLE,
  SETTLER_ROLE,
} from './roles.ts';

const MAX_UINT32 = 0xffffffffn;

/** A wallet client with a local or JSON-RPC account attached. */
export type DeployerWalletClient = WalletClient<Transport, Chain | undefined, Account>;

export interface DeploySystemOptions {
  walletClient: DeployerWalletClient;
  publicClient: PublicClient;
  /** Owners of the admin Safe (3 for the default 2-of-3). */
  safeOwners: readonly Address[];
  /** Signatures the Safe needs; default 2. */
  safeThreshold?: number;
  /** Existing Safe singleton and proxy factory (e.g. the canonical deployments); deployed fresh when absent. */
  safeSingleton?: Address;
  safeProxyFactory?: Address;
  /** Salt of the Safe proxy (CREATE2 through the factory); default 0. */
  safeSaltNonce?: bigint;
  /** Key that may pause at once. */
  guardian: Address;
  /** The relay's account: may call `settle`. */
  settler: Address;
  /** May register and deactivate meters; default the deployer. */
  operator?: Address;
  /** Receives the fixed PET supply; default the deployer. */
  treasury?: Address;
  /** Settlement ERC-20; a DemoSettlementToken (6 decimals, open mint) is deployed when absent. */
  settlementToken?: Address;
  /** Trading fee, basis points (cap 300); default 100. */
  feeBps?: number;
  /** PET per filled kWh for the liquidity incentive (18 decimals); default 0.1 PET. */
  rewardPerKWh?: bigint;
  /** ERC-1155 metadata URI of the certificates. */
  certificateUri?: string;
  /**
   * Grid fees per kWh entered at each level of the zone tree, settlement-token base units (each a uint32); none
   * (all zero) when absent. A batch that charges a fee needs `gridOperator`.
   */
  gridFeesPerKWh?: { house: bigint; feeder: bigint; substation: bigint };
  /** The ledger account credited with grid fees; unset when absent. */
  gridOperator?: Address;
}

/** Where everything landed. */
export interface SystemAddresses {
  safe: Address;
  safeSingleton: Address;
  safeProxyFactory: Address;
  settlementToken: Address;
  accessManager: Address;
  meterRegistry: Address;
  tradingMarketplace: Address;
  energyListing: Address;
  greenCertificateNft: Address;
  peerEnergyToken: Address;
  feeStaking: Address;
  liquidityIncentive: Address;
}

/** A deployment step that failed, named. */
export class DeploymentError extends Error {
  override readonly name = 'DeploymentError';
  readonly code = 'deployment_step_failed';
  readonly step: string;
  constructor(step: string, message: string) {
    super(`${step}: ${message}`);
    this.step = step;
  }
}

/** Deploys the platform and returns its addresses (see the module comment for the steps). */
export async function deploySystem(options: DeploySystemOptions): Promise<SystemAddresses> {
  const { walletClient, publicClient } = options;
  const account = walletClient.account;
  const chain = walletClient.chain;
  const deployer = account.address;
  const threshold = options.safeThreshold ?? 2;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > options.safeOwners.length) {
    throw new DeploymentError('safe setup', `expected a threshold in 1…${options.safeOwners.length}, got ${threshold}`);
  }
  const feeBps = options.feeBps ?? 100;
  const gridFees = options.gridFeesPerKWh;
  if (gridFees !== undefined) {
    for (const [level, fee] of Object.entries(gridFees)) {
      if (fee < 0n || fee > MAX_UINT32) {
        throw new DeploymentError('setGridFees', `expected the ${level} fee per kWh as a uint32, got ${fee}`);
      }
    }
  }

  async function confirm(step: string, hash: Hex): Promise<Address | undefined> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new DeploymentError(step, `transaction ${hash} reverted`);
    return receipt.contractAddress ?? undefined;
  }

  async function deploy(step: string, abi: Abi, bytecode: Hex, args: readonly unknown[] = []): Promise<Address> {
    const hash = await walletClient.deployContract({ abi, bytecode, args, account, chain });
    const address = await confirm(step, hash);
    if (address === undefined) throw new DeploymentError(step, `no contract address in the receipt of ${hash}`);
    return address;
  }

  async function call(step: string, to: Address, data: Hex): Promise<void> {
    await confirm(step, await walletClient.sendTransaction({ to, data, account, chain }));
  }

  // 1. The Safe.
  const safeSingleton = options.safeSingleton ?? (await deploy('Safe singleton', safeAbi, safeBytecode));
  const safeProxyFactory =
    options.safeProxyFactory ?? (await deploy('Safe proxy factory', safeProxyFactoryAbi, safeProxyFactoryBytecode));
  const initializer = encodeFunctionData({
    abi: safeAbi,
    functionName: 'setup',
    args: [[...options.safeOwners], BigInt(threshold), zeroAddress, '0x', zeroAddress, zeroAddress, 0n, zeroAddress],
  });
  const createProxy = {
    address: safeProxyFactory,
    abi: safeProxyFactoryAbi,
    functionName: 'createProxyWithNonce',
    args: [safeSingleton, initializer, options.safeSaltNonce ?? 0n],
    account,
  } as const;
  const { result: safe } = await publicClient.simulateContract(createProxy);
  await confirm('Safe proxy', await walletClient.writeContract({ ...createProxy, chain }));

  // 2. Settlement token.
  const settlementToken =
    options.settlementToken ?? (await deploy('DemoSettlementToken', demoSettlementTokenAbi, demoSettlementTokenBytecode));

  // 3. Contracts.
  const accessManager = await deploy('AccessManager', accessManagerAbi, accessManagerBytecode, [deployer]);
  const meterRegistry = await deploy('MeterRegistry', meterRegistryAbi, meterRegistryBytecode, [accessManager]);
  const tradingMarketplace = await deploy('TradingMarketplace', tradingMarketplaceAbi, tradingMarketplaceBytecode, [
    accessManager,
    settlementToken,
    meterRegistry,
    feeBps,
  ]);
  const energyListing = await deploy('EnergyListing', energyListingAbi, energyListingBytecode, [accessManager]);
  const greenCertificateNft = await deploy('GreenCertificateNFT', greenCertificateNftAbi, greenCertificateNftBytecode, [
    accessManager,
    tradingMarketplace,
    meterRegistry,
    options.certificateUri ?? 'https://example.invalid/certificates/{id}.json',
  ]);
  const peerEnergyToken = await deploy('PeerEnergyToken', peerEnergyTokenAbi, peerEnergyTokenBytecode, [
    options.treasury ?? deployer,
  ]);
  const feeStaking = await deploy('FeeStaking', feeStakingAbi, feeStakingBytecode, [
    accessManager,
    peerEnergyToken,
    settlementToken,
    tradingMarketplace,
  ]);
  const liquidityIncentive = await deploy('LiquidityIncentive', liquidityIncentiveAbi, liquidityIncentiveBytecode, [
    accessManager,
    peerEnergyToken,
    tradingMarketplace,
    options.rewardPerKWh ?? 10n ** 17n,
  ]);
  // Still admin-only (no role assigned yet): the deployer wires the fee sink and the grid before handing over.
  await call(
    'setFeeSink',
    tradingMarketplace,
    encodeFunctionData({ abi: tradingMarketplaceAbi, functionName: 'setFeeSink', args: [feeStaking] }),
  );
  if (gridFees !== undefined) {
    await call(
      'setGridFees',
      tradingMarketplace,
      encodeFunctionData({
        abi: tradingMarketplaceAbi,
        functionName: 'setGridFees',
        args: [Number(gridFees.house), Number(gridFees.feeder), Number(gridFees.substation)],
      }),
    );
  }
  if (options.gridOperator !== undefined) {
    await call(
      'setGridOperator',
      tradingMarketplace,
      encodeFunctionData({ abi: tradingMarketplaceAbi, functionName: 'setGridOperator', args: [options.gridOperator] }),
    );
  }

  // 4. Roles.
  // Selectors come from the committed ABIs, so a changed signature cannot leave a function unassigned.
  const selector = (abi: Abi, name: string): Hex => {
    const item = abi.find((entry) => entry.type === 'function' && entry.name === name);
    if (item === undefined || item.type !== 'function') throw new DeploymentError('roles', `no function ${name} in the ABI`);
    return toFunctionSelector(item);
  };
  const functionRoles: readonly [string, Address, Hex, bigint][] = [
    ['MeterRegistry.registerMeter', meterRegistry, selector(meterRegistryAbi, 'registerMeter'), OPERATOR_ROLE],
    ['MeterRegistry.deactivateMeter', meterRegistry, selector(meterRegistryAbi, 'deactivateMeter'), OPERATOR_ROLE],
    ['TradingMarketplace.settle', tradingMarketplace, selector(tradingMarketplaceAbi, 'settle'), SETTLER_ROLE],
    ['TradingMarketplace.pause', tradingMarketplace, selector(tradingMarketplaceAbi, 'pause'), GUARDIAN_ROLE],
    ['TradingMarketplace.setFeeBps', tradingMarketplace, selector(tradingMarketplaceAbi, 'setFeeBps'), PARAMETER_ROLE],
    ['TradingMarketplace.setFeeSink', tradingMarketplace, selector(tradingMarketplaceAbi, 'setFeeSink'), PARAMETER_ROLE],
    ['TradingMarketplace.setGridFees', tradingMarketplace, selector(tradingMarketplaceAbi, 'setGridFees'), PARAMETER_ROLE],
    [
      'TradingMarketplace.setGridOperator',
      tradingMarketplace,
      selector(tradingMarketplaceAbi, 'setGridOperator'),
      PARAMETER_ROLE,
    ],
    ['EnergyListing.pause', energyListing, selector(energyListingAbi, 'pause'), GUARDIAN_ROLE],
    ['GreenCertificateNFT.setURI', greenCertificateNft, selector(greenCertificateNftAbi, 'setURI'), PARAMETER_ROLE],
    ['FeeStaking.notifyRewardAmount', feeStaking, selector(feeStakingAbi, 'notifyRewardAmount'), REWARD_NOTIFIER_ROLE],
    [
      'LiquidityIncentive.setRewardPerKWh',
      liquidityIncentive,
      selector(liquidityIncentiveAbi, 'setRewardPerKWh'),
      PARAMETER_ROLE,
    ],
  ];
  for (const [name, target, functionSelector, role] of functionRoles) {
    await call(
      `role of ${name}`,
      accessManager,
      encodeFunctionData({
        abi: accessManagerAbi,
        functionName: 'setTargetFunctionRole',
        args: [target, [functionSelector], role],
      }),
    );
  }
  const grants: readonly [string, bigint, Address, number][] = [
    ['PARAMETER to the Safe', PARAMETER_ROLE, safe, PARAMETER_DELAY_S],
    ['GUARDIAN', GUARDIAN_ROLE, options.guardian, 0],
    ['SETTLER', SETTLER_ROLE, options.settler, 0],
    ['OPERATOR', OPERATOR_ROLE, options.operator ?? deployer, 0],
    ['REWARD_NOTIFIER to the marketplace', REWARD_NOTIFIER_ROLE, tradingMarketplace, 0],
    ['ADMIN to the Safe', ADMIN_ROLE, safe, 0],
  ];
  for (const [step, role, grantee, delayS] of grants) {
    await call(
      `grant ${step}`,
      accessManager,
      encodeFunctionData({ abi: accessManagerAbi, functionName: 'grantRole', args: [role, grantee, delayS] }),
    );
  }
  await call(
    'deployer renounces ADMIN',
    accessManager,
    encodeFunctionData({ abi: accessManagerAbi, functionName: 'renounceRole', args: [ADMIN_ROLE, deployer] }),
  );

  return {
    safe,
    safeSingleton,
    safeProxyFactory,
    settlementToken,
    accessManager,
    meterRegistry,
    tradingMarketplace,
    energyListing,
    greenCertificateNft,
    peerEnergyToken,
    feeStaking,
    liquidityIncentive,
  };
}
