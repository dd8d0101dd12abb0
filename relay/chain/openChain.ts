/**
 * The chain room's composition: anvil (embedded, unless `RPC_URL`), viem clients, and the platform's addresses —
 * read from `chain_deployments` when this chain already has them (and code is still there), deployed otherwise with
 * `contracts/deploy/deploySystem.ts` (committed bytecode, Safe 2-of-3 admin, roles as DeploySystem.sol).
 */
import type { Address, Hex } from 'viem';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import { loadDeployment, saveDeployment } from '../store/marketQueries/chainDeployments.ts';
import { anvilDevelopmentAccounts, type ChainAccounts } from './chainAccounts.ts';
import { createChainClients, type ChainClients } from './chainClients.ts';
import { ChainError } from './chainError.ts';
import { deploySystem } from '../../contracts/deploy/deploySystem.ts';
import { privateKeyToAccount } from 'viem/accounts';
import type { PlatformAddresses } from './platformAddresses.ts';
import { startAnvil, type AnvilHandle } from './startAnvil.ts';

export interface ChainRoom {
  clients: ChainClients;
  addresses: PlatformAddresses;
  accounts: ChainAccounts;
  rpcUrl: string;
  /** The embedded anvil, when the relay started one (a development chain: the demo may mint test money). */
  anvil: AnvilHandle | undefined;
  /** True when the platform was deployed by this call. */
  isFreshDeployment: boolean;
  stop(): Promise<void>;
}

export interface OpenChainOptions {
  db: RelayDatabase;
  /** `RPC_URL`; unset: start anvil. */
  rpcUrl?: string | undefined;
  /** `PET_CHAIN_KEY`: the relay's key on an external chain (required with `rpcUrl`). */
  relayKey?: Hex | undefined;
  /** Folder for anvil's state (restart keeps the chain); omitted: in memory. */
  dataDir?: string | undefined;
  feeBps?: number;
  /** Grid fees per kWh by level, settlement-token base units, set at deployment (default 0). */
  gridFeesPerKWh?: { house: bigint; feeder: bigint; substation: bigint };
  /** The ledger account credited with grid fees, set at deployment. */
  gridOperator?: Address;
  /**
   * The platform's addresses on this chain (`PET_CHAIN_ADDRESSES`): used as they are, never redeployed. Absent: the
   * deployment recorded for the chain id, else (when `deployIfMissing`) a fresh one.
   */
  addresses?: PlatformAddresses;
  /** Deploy when no deployment is known (default true; false on a shared chain, where deploying is an admin's act). */
  deployIfMissing?: boolean;
}

/**
 * Opens the chain, deploying the platform on first start.
 * @throws {ChainError} `rpc_unreachable`, `anvil_start_failed`, `deploy_failed`, `deployment_mismatch`,
 *   `deployment_missing`.
 * @example const chain = await openChain({ db: store.db, dataDir: '.data/chain' });
 */
export async function openChain(options: OpenChainOptions): Promise<ChainRoom> {
  let anvil: AnvilHandle | undefined;
  let rpcUrl = options.rpcUrl;
  let accounts = anvilDevelopmentAccounts;
  if (rpcUrl === undefined) {
    anvil = await startAnvil(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
    rpcUrl = anvil.rpcUrl;
  } else {
    if (options.relayKey === undefined) throw new ChainError('rpc_unreachable', 'expected PET_CHAIN_KEY (the relay key, 0x + 64 hex digits) with RPC_URL');
    accounts = { ...anvilDevelopmentAccounts, relayKey: options.relayKey };
  }
  try {
    let chainId: number;
    try {
      const probe = createChainClients(rpcUrl, 1, accounts.relayKey);
      chainId = await probe.publicClient.getChainId();
    } catch (error) {
      throw new ChainError('rpc_unreachable', `cannot reach the chain at ${rpcUrl} (RPC_URL): ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const clients = createChainClients(rpcUrl, chainId, accounts.relayKey);
    let addresses = options.addresses ?? (await loadDeployment(options.db, chainId));
    let isFreshDeployment = false;
    if (options.addresses !== undefined) {
      const code = await clients.publicClient.getCode({ address: addresses!.tradingMarketplace as Address });
      if (code === undefined || code === '0x') throw new ChainError('deployment_mismatch', `expected the TradingMarketplace at ${addresses!.tradingMarketplace} on chain ${chainId}, got no code there`);
    } else if (addresses !== undefined) {
      const code = await clients.publicClient.getCode({ address: addresses.tradingMarketplace as Address });
      if (code === undefined || code === '0x') addresses = undefined; // a fresh chain under the same id
    }
    if (addresses === undefined && options.deployIfMissing === false) {
      throw new ChainError('deployment_missing', `expected the platform's addresses on chain ${chainId} (PET_CHAIN_ADDRESSES), got none recorded`);
    }
    if (addresses === undefined) {
      addresses = await deploySystem({
        walletClient: clients.walletClient,
        publicClient: clients.publicClient,
        safeOwners: accounts.safeOwnerKeys.map((key) => privateKeyToAccount(key).address),
        guardian: privateKeyToAccount(accounts.guardianKey).address,
        settler: clients.account.address,
        operator: clients.account.address,
        treasury: privateKeyToAccount(accounts.treasuryKey).address,
        ...(options.feeBps === undefined ? {} : { feeBps: options.feeBps }),
        ...(options.gridFeesPerKWh === undefined ? {} : { gridFeesPerKWh: options.gridFeesPerKWh }),
        ...(options.gridOperator === undefined ? {} : { gridOperator: options.gridOperator }),
      });
      await saveDeployment(options.db, chainId, addresses);
      isFreshDeployment = true;
    }
    return {
      clients, addresses, accounts, rpcUrl, anvil, isFreshDeployment,
      stop: async () => {
        await anvil?.stop();
      },
    };
  } catch (error) {
    await anvil?.stop();
    throw error;
  }
}
