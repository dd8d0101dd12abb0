/**
 * viem clients for one RPC endpoint and the relay's key.
 */
import { createPublicClient, createWalletClient, defineChain, http, type Hex, type PublicClient, type WalletClient, type Account, type Chain, type Transport } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export interface ChainClients {
  chain: Chain;
  publicClient: PublicClient;
  /** Signs with the relay's key. */
  walletClient: WalletClient<Transport, Chain, Account>;
  account: Account;
  /** A wallet client for another key (the demo's Safe owners, funders). */
  walletFor(privateKey: Hex): WalletClient<Transport, Chain, Account>;
}

/** @example const clients = createChainClients(anvil.rpcUrl, anvil.chainId, accounts.relayKey); */
export function createChainClients(rpcUrl: string, chainId: number, relayKey: Hex): ChainClients {
  const chain = defineChain({ id: chainId, name: `chain-${chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
  const transport = http(rpcUrl, { retryCount: 0, timeout: 10_000 });
  // A local node (anvil) mines at once: poll receipts often. A remote chain: every 2 s.
  const isLocal = /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(rpcUrl);
  const pollingInterval = isLocal ? 50 : 2000;
  const publicClient = createPublicClient({ chain, transport, pollingInterval }) as PublicClient;
  const walletFor = (privateKey: Hex) => createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey), pollingInterval });
  const walletClient = walletFor(relayKey);
  return { chain, publicClient, walletClient, account: walletClient.account, walletFor };
}
