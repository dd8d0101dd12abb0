/**
 * Who acts on the chain. On the embedded anvil these are its well-known development keys (mnemonic "test test …
 * junk"): never use them on a real chain. Against `RPC_URL` the relay's key comes from `PET_CHAIN_KEY`.
 */
import type { Hex } from 'viem';

/** The keys the relay and the demo use. */
export interface ChainAccounts {
  /** Deploys, registers meters (operator role) and settles (settler role): the relay's key. */
  relayKey: Hex;
  /** The Safe's owners (2-of-3) that hold the AccessManager's admin role. */
  safeOwnerKeys: readonly Hex[];
  /** May pause at once. */
  guardianKey: Hex;
  /** Receives the PET utility token supply. */
  treasuryKey: Hex;
}

/** anvil's first development accounts (public knowledge; local chains only). */
export const anvilDevelopmentAccounts: ChainAccounts = {
  relayKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  safeOwnerKeys: [
    '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
    '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
    '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  ],
  guardianKey: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  treasuryKey: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
};
