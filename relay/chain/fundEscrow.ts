/**
 * Development chains only: mints test stablecoin to the relay's key and deposits it into a household's escrow
 * (`TradingMarketplace.deposit(account, amount)` moves the caller's tokens into `account`'s ledger entry).
 */
import type { Address } from 'viem';
import type { ChainClients } from './chainClients.ts';
import { platformAbis } from './platformAbis.ts';

/** Mints `amountMicro` and deposits it for `account`. */
export async function fundEscrow(clients: ChainClients, token: Address, marketplace: Address, account: string, amountMicro: bigint): Promise<void> {
  const abis = platformAbis();
  const relay = clients.account.address;
  for (const [address, abi, functionName, args] of [
    [token, abis.settlementToken, 'mint', [relay, amountMicro]],
    [token, abis.settlementToken, 'approve', [marketplace, amountMicro]],
    [marketplace, abis.marketplace, 'deposit', [account, amountMicro]],
  ] as const) {
    const hash = await clients.walletClient.writeContract({ address, abi, functionName, args } as never);
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} for ${account}: expected success, got ${receipt.status}`);
  }
}

/** The escrow balance of `account` on the marketplace's ledger, micro-units. */
export async function escrowBalanceMicro(clients: ChainClients, marketplace: Address, account: string): Promise<bigint> {
  const entry = (await clients.publicClient.readContract({ address: marketplace, abi: platformAbis().marketplace, functionName: 'accountOf', args: [account] })) as { balance: bigint };
  return entry.balance;
}
