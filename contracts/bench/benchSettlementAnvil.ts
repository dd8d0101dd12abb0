/**
 * Settlement gas as a real transaction: the `npm run bench:gas` batch (100 trades, 50 sellers with one seal each,
 * 50 buyers, two trades per buyer) sent to a fresh anvil through contracts/deploy (deploySystem,
 * buildSettlementCalldata), after a first interval so meters and accounts hold values, as in steady state.
 * Unlike the forge test, every transaction starts with cold storage. Prints the receipt's gasUsed per trade
 * against a plain ERC-20 transfer measured on the same chain.
 *
 *   node --import tsx contracts/bench/benchSettlementAnvil.ts
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { demoSettlementTokenAbi, meterRegistryAbi, tradingMarketplaceAbi } from '../deploy/abis.ts';
import { deploySystem } from '../deploy/deploySystem.ts';
import { REPO_ROOT } from '../deploy/generateAbis.ts';
import { buildSettlementCalldata, type SettlementSeller, type SettlementTrade } from '../deploy/settlementCalldata.ts';

const SELLERS = 50;
const BUYERS = 50;
const INTERVAL_S = 900;
const ZONE = 7n;
// anvil's well-known development keys (local chains only).
const deployer = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const settler = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const port = await freePort();
const anvil = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'anvil'), ['--port', String(port), '--silent'], {
  stdio: 'ignore',
});
try {
  const transport = http(`http://127.0.0.1:${port}`);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
  for (let attempt = 0; ; attempt++) {
    try {
      await publicClient.getChainId();
      break;
    } catch (error) {
      if (attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const walletClient = createWalletClient({ account: deployer, chain: foundry, transport, pollingInterval: 20 });
  const settlerClient = createWalletClient({ account: settler, chain: foundry, transport, pollingInterval: 20 });
  const confirm = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };
  const system = await deploySystem({
    walletClient,
    publicClient,
    safeOwners: [deployer.address, settler.address, '0x0000000000000000000000000000000000000003'],
    guardian: deployer.address,
    settler: settler.address,
  });

  const meterKeys = Array.from({ length: SELLERS }, (_, i) => {
    const key = new Uint8Array(32);
    key[0] = 7;
    key[31] = i + 1;
    return key;
  });
  const meters = meterKeys.map((key) => addressFromPrivateKey(key) as Address);
  const sellerOf = (i: number) => `0x${(0x5e11e000 + i).toString(16).padStart(40, '0')}` as Address;
  const buyerOf = (j: number) => `0x${(0xb0b0000 + j).toString(16).padStart(40, '0')}` as Address;
  for (let i = 0; i < SELLERS; i++) {
    await confirm(
      await walletClient.writeContract({
        address: system.meterRegistry,
        abi: meterRegistryAbi,
        functionName: 'registerMeter',
        args: [meters[i]!, sellerOf(i), ZONE, 1, 5_000, 1_700_000_000],
      }),
    );
  }
  const token = { address: system.settlementToken, abi: demoSettlementTokenAbi } as const;
  await confirm(await walletClient.writeContract({ ...token, functionName: 'mint', args: [deployer.address, 10n ** 12n] }));
  await confirm(
    await walletClient.writeContract({ ...token, functionName: 'approve', args: [system.tradingMarketplace, 10n ** 12n] }),
  );
  for (let j = 0; j < BUYERS; j++) {
    await confirm(
      await walletClient.writeContract({
        address: system.tradingMarketplace,
        abi: tradingMarketplaceAbi,
        functionName: 'deposit',
        args: [buyerOf(j), 100_000_000n],
      }),
    );
  }

  const t0 = Number((await publicClient.getBlock()).timestamp) - 10 * INTERVAL_S;
  const settleInterval = async (k: number) => {
    const startS = t0 + k * INTERVAL_S;
    const sellers: SettlementSeller[] = meters.map((meter, i) => ({
      seller: sellerOf(i),
      seal: signSeal(
        {
          v: 1,
          kind: 'seal',
          meter: meter.toLowerCase(),
          seq: 100 + k * 91,
          prev: '0x' + '11'.repeat(32),
          startS,
          endS: startS + INTERVAL_S,
          importStartWh: 1_000,
          importEndWh: 1_000,
          exportStartWh: 50_000 + k * 1_000,
          exportEndWh: 50_000 + (k + 1) * 1_000,
          sampleCount: 90,
        },
        meterKeys[i]!,
      ),
    }));
    const trades: SettlementTrade[] = [];
    for (let j = 0; j < BUYERS; j++) {
      trades.push({ buyer: buyerOf(j), seller: sellerOf(j), energyWh: 300 });
      trades.push({ buyer: buyerOf(j), seller: sellerOf((j + 1) % SELLERS), energyWh: 200 });
    }
    const { args } = buildSettlementCalldata({
      zone: ZONE,
      intervalStartS: startS,
      intervalEndS: startS + INTERVAL_S,
      pricePerKWh: 250_000n,
      sellers,
      trades,
    });
    const receipt = await confirm(
      await settlerClient.writeContract({
        address: system.tradingMarketplace,
        abi: tradingMarketplaceAbi,
        functionName: 'settle',
        args,
      }),
    );
    return { gasUsed: receipt.gasUsed, tradeCount: trades.length };
  };
  await settleInterval(0);
  const { gasUsed, tradeCount } = await settleInterval(1);

  // Baseline: an ERC-20 transfer to an account that already holds tokens, on the same chain.
  await confirm(await walletClient.writeContract({ ...token, functionName: 'transfer', args: [settler.address, 1n] }));
  const transfer = await confirm(
    await walletClient.writeContract({ ...token, functionName: 'transfer', args: [settler.address, 1_000n] }),
  );

  const perTrade = gasUsed / BigInt(tradeCount);
  process.stdout.write(
    [
      `settle on anvil: ${tradeCount} trades, ${SELLERS} seals verified, gasUsed ${gasUsed}`,
      `settle on anvil: gas per trade ${perTrade}`,
      `baseline ERC-20 transfer on anvil: gasUsed ${transfer.gasUsed}`,
      `gas per trade / ERC-20 transfer: ${(Number(perTrade) / Number(transfer.gasUsed)).toFixed(3)}`,
      '',
    ].join('\n'),
  );
} finally {
  anvil.kill('SIGTERM');
}
