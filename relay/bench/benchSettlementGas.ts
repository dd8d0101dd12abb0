/**
 * Settlement gas from real receipts (DESIGN §10): the relay's own code path — seals signed with meter keys,
 * packed by `relay/chain/encodeSettlementCalldata.ts`, sent with viem to the contracts deployed on anvil exactly
 * as the demo deploys them — settles one batch of 100 trades among 50 sellers (50 seals verified on-chain) and 50
 * buyers, and prints the receipt's gas per trade against an ERC-20 transfer's receipt measured in the same run,
 * and against CoW Protocol's published ~66 000 gas per order. (`npm run bench:gas` measures the same batch
 * inside forge; this is the figure a relay operator pays.)
 *
 * Run: node --import tsx relay/bench/benchSettlementGas.ts [--sellers 50] [--trades-per-seller 2]
 */
import { parseArgs } from 'node:util';
import { keccak256, toBytes, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { encodeSellers, encodeTrades, type SellerEntry, type TradeEntry } from '../chain/encodeSettlementCalldata.ts';
import { openChain } from '../chain/openChain.ts';
import { platformAbis, settleTakesIntervalEnd } from '../chain/platformAbis.ts';
import { registerMetersOnChain } from '../chain/registerMetersOnChain.ts';
import { openStore } from '../store/openStore.ts';

const COW_PROTOCOL_GAS_PER_ORDER = 66_000;
const PRICE_MICRO_PER_KWH = 150_000;
const ZONE = 'bench-feeder';

const { values } = parseArgs({ options: { sellers: { type: 'string' }, 'trades-per-seller': { type: 'string' } } });
const sellerCount = Number(values.sellers ?? 50);
const tradesPerSeller = Number(values['trades-per-seller'] ?? 2);

const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
const chain = await openChain({ db: store.db });
try {
  const { publicClient, walletClient } = chain.clients;
  const abis = platformAbis();
  const account = (label: string, i: number): Address => privateKeyToAccount(keccak256(toBytes(`peer-energy-trader/bench/${label}/${i}`)) as Hex).address;
  const meters = Array.from({ length: sellerCount }, (_, i) => deriveMeterKey('bench', i));
  const sellers = meters.map((_, i) => account('seller', i));
  const buyers = Array.from({ length: sellerCount }, (_, i) => account('buyer', i));
  await registerMetersOnChain(chain.clients, chain.addresses.meterRegistry, meters.map((m, i) => ({ address: m.address, owner: sellers[i]!, zone: ZONE, nameplateW: 8000, technology: 1 })));

  const send = async (address: Address, abi: typeof abis.marketplace, functionName: string, args: readonly unknown[]) => {
    const hash = await walletClient.writeContract({ address, abi, functionName, args } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted`);
    return receipt;
  };
  const relay = chain.clients.account.address;
  const perBuyerMicro = 10_000_000_000n;
  await send(chain.addresses.settlementToken, abis.settlementToken, 'mint', [relay, perBuyerMicro * BigInt(buyers.length) + 1_000_000n]);
  await send(chain.addresses.settlementToken, abis.settlementToken, 'approve', [chain.addresses.tradingMarketplace, perBuyerMicro * BigInt(buyers.length)]);
  for (const buyer of buyers) await send(chain.addresses.tradingMarketplace, abis.marketplace, 'deposit', [buyer, perBuyerMicro]);

  // Baseline in the same run: a plain ERC-20 transfer to an address that already holds tokens.
  await send(chain.addresses.settlementToken, abis.settlementToken, 'transfer', [buyers[0]!, 1n]);
  const transfer = await send(chain.addresses.settlementToken, abis.settlementToken, 'transfer', [buyers[0]!, 1n]);

  const block = await publicClient.getBlock();
  const firstIntervalS = Math.floor((Number(block.timestamp) - 3600) / 900) * 900;
  const zone = zoneIdFromName(ZONE);
  /** Settles interval `n` (0, 1): every meter's seal n continues seal n − 1. */
  const settleInterval = async (n: number) => {
    const intervalStartS = firstIntervalS + n * 900;
    const endS = intervalStartS + 900;
    const exportPerIntervalWh = 400 * tradesPerSeller;
    const sellerEntries: SellerEntry[] = meters.map((meter, i) => ({
      seller: sellers[i]!,
      seal: signSeal(
        {
          v: 1, kind: 'seal', meter: meter.address, seq: 90 * (n + 1), prev: ZERO_DIGEST_HEX, startS: intervalStartS, endS,
          importStartWh: 5000 + 100 * n, importEndWh: 5100 + 100 * n, exportStartWh: 20_000 + exportPerIntervalWh * n, exportEndWh: 20_000 + exportPerIntervalWh * (n + 1), sampleCount: 90,
        },
        meter.privateKey,
      ),
    }));
    const trades: TradeEntry[] = [];
    for (let b = 0; b < buyers.length; b++) {
      for (let k = 0; k < tradesPerSeller; k++) trades.push({ buyer: buyers[b]!, sellerIndex: (b + k) % sellerCount, energyWh: 400 });
    }
    const settleArgs = settleTakesIntervalEnd()
      ? [zone, intervalStartS, endS, BigInt(PRICE_MICRO_PER_KWH), encodeSellers(sellerEntries), encodeTrades(trades)]
      : [zone, intervalStartS, BigInt(PRICE_MICRO_PER_KWH), encodeSellers(sellerEntries), encodeTrades(trades)];
    const receipt = await send(chain.addresses.tradingMarketplace, abis.marketplace, 'settle', settleArgs);
    return { gasUsed: Number(receipt.gasUsed), tradeCount: trades.length, sellerBytes: sellerEntries.length * 177, tradeBytes: trades.length * 26 };
  };
  const first = await settleInterval(0);
  const steady = await settleInterval(1);

  const transferGas = Number(transfer.gasUsed);
  const row = (label: string, figure: { gasUsed: number; tradeCount: number }) => {
    const perTrade = figure.gasUsed / figure.tradeCount;
    return `  ${label.padEnd(44)} ${String(figure.gasUsed).padStart(9)} gas, ${perTrade.toFixed(0).padStart(6)} per trade = ${(perTrade / transferGas).toFixed(2)} × ERC-20 transfer, ${(perTrade / COW_PROTOCOL_GAS_PER_ORDER).toFixed(2)} × CoW order`;
  };
  const lines = [
    `settlement gas from receipts (anvil, viem, relay calldata): ${first.tradeCount} trades, ${sellerCount} sellers (${sellerCount} seals verified on-chain), ${buyers.length} buyers`,
    `  baseline: ERC-20 transfer (same run)          ${transferGas} gas; CoW Protocol ~${COW_PROTOCOL_GAS_PER_ORDER} gas per order (published)`,
    row("first interval (meters' first settlement)", first),
    row('next interval (steady state)', steady),
    `  calldata bytes: sellers ${first.sellerBytes}, trades ${first.tradeBytes}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await chain.stop();
  await store.close();
}
