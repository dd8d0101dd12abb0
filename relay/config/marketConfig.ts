/**
 * Whether and how `peer-energy-trader relay` runs the market room (`relay/startMarketRoom.ts`), read once from the
 * environment beside `relayConfig.ts`:
 *  - `PET_MARKET`: `off` (default: ingest, storage, API and feed only), `clear` (also clear every zone tree's
 *    intervals and notify households, no chain), `settle` (also settle on-chain);
 *  - with `settle`: `RPC_URL` and `PET_CHAIN_KEY` (the relay's key: settler and meter operator roles) and
 *    `PET_CHAIN_ADDRESSES`, a JSON file with the platform's addresses (`PlatformAddresses`). The relay never
 *    deploys on such a chain. Without `RPC_URL` it starts a local anvil and deploys there with development keys,
 *    as the demo does — for trying things out only.
 * The trading parameters come from `shared/config/tradingParameters.ts` (`PET_INTERVAL_SECONDS`, tariffs, …).
 */
import { readFileSync } from 'node:fs';
import { isAddress, type Hex } from 'viem';
import { platformContractNames, type PlatformAddresses } from '../chain/platformAddresses.ts';
import { ConfigError } from './configError.ts';

export type MarketMode = 'off' | 'clear' | 'settle';

export interface MarketConfig {
  mode: MarketMode;
  /** With `settle`: the chain (absent: a local anvil). */
  rpcUrl?: string;
  chainKey?: Hex;
  addresses?: PlatformAddresses;
}

type Env = Readonly<Record<string, string | undefined>>;

function readAddresses(path: string): PlatformAddresses {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('invalid_setting', 'PET_CHAIN_ADDRESSES', `expected a readable JSON file of contract addresses, got ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('invalid_setting', 'PET_CHAIN_ADDRESSES', `expected an object of contract addresses in ${path}`);
  const record = value as Record<string, unknown>;
  for (const name of platformContractNames) {
    const address = record[name];
    if (typeof address !== 'string' || !isAddress(address)) throw new ConfigError('invalid_setting', 'PET_CHAIN_ADDRESSES', `expected "${name}" to be an address in ${path}, got ${JSON.stringify(address ?? null)}`);
  }
  return Object.fromEntries(platformContractNames.map((name) => [name, record[name]])) as unknown as PlatformAddresses;
}

/** @example const market = readMarketConfig(process.env); if (market.mode !== 'off') … */
export function readMarketConfig(env: Env = process.env): MarketConfig {
  const mode = env.PET_MARKET || 'off';
  if (mode !== 'off' && mode !== 'clear' && mode !== 'settle') throw new ConfigError('invalid_setting', 'PET_MARKET', `expected off | clear | settle, got ${JSON.stringify(mode)}`);
  if (mode !== 'settle' || !env.RPC_URL) return { mode };
  const chainKey = env.PET_CHAIN_KEY;
  if (chainKey === undefined || !/^0x[0-9a-fA-F]{64}$/.test(chainKey)) throw new ConfigError('invalid_setting', 'PET_CHAIN_KEY', `expected the relay's key (0x + 64 hex digits) with RPC_URL, got ${chainKey === undefined ? 'nothing' : 'something else'}`);
  const addressesPath = env.PET_CHAIN_ADDRESSES;
  if (!addressesPath) throw new ConfigError('invalid_setting', 'PET_CHAIN_ADDRESSES', 'expected a JSON file with the platform\'s contract addresses with RPC_URL, got nothing');
  return { mode, rpcUrl: env.RPC_URL, chainKey: chainKey as Hex, addresses: readAddresses(addressesPath) };
}
