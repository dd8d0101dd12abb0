/**
 * End to end on a real anvil: deploy the platform from the committed bytecode (grid fees and operator set by the
 * deployer), register meters, deposit, settle one batch built by settlementCalldata.ts from seals signed by
 * shared/protocol/sealSignature.ts, read the ledger back, see a second settlement of the same interval refused with
 * `IntervalAlreadySettled`, and settle a feeder's batch of a zone tree whose grid fees reach the grid operator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  toFunctionSelector,
  type AbiFunction,
  type Address,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { accessManagerAbi, demoSettlementTokenAbi, meterRegistryAbi, safeAbi, tradingMarketplaceAbi } from './abis.ts';
import { deploySystem, type SystemAddresses } from './deploySystem.ts';
import { REPO_ROOT } from './generateAbis.ts';
import { ADMIN_ROLE, PARAMETER_ROLE, SETTLER_ROLE } from './roles.ts';
import { buildSettlementCalldata, type SettlementSeller } from './settlementCalldata.ts';
import { zoneIdFromName } from './zoneId.ts';

// anvil's well-known development keys (mnemonic "test test … junk"); local chains only.
const deployer = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const settler = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const safeOwners: Address[] = [
  '0x00000000000000000000000000000000000a11ce',
  '0x0000000000000000000000000000000000000b0b',
  '0x00000000000000000000000000000000000ca401',
];
const guardian: Address = '0x0000000000000000000000000000000000006a4d';
const sellerA: Address = '0x000000000000000000000000000000000000a001';
const sellerB: Address = '0x000000000000000000000000000000000000a002';
const buyer1: Address = '0x000000000000000000000000000000000000b001';
const buyer2: Address = '0x000000000000000000000000000000000000b002';
const sellerC: Address = '0x000000000000000000000000000000000000a003';
const gridOperator: Address = '0x00000000000000000000000000000000000671d0';
const meterKeyA = new Uint8Array(32).fill(0x11);
const meterKeyB = new Uint8Array(32).fill(0x22);
const meterKeyC = new Uint8Array(32).fill(0x33);
// A zone tree (docs/contracts.md §"Zone ids"): house 1 of feeder 1 of substation 1.
const FEEDER_ZONE = 0x0001_0001_0000_0000n;
const HOUSE_ZONE = 0x0001_0001_0001_0000n;
const ZONE = zoneIdFromName('test-zone');
const PRICE_PER_KWH = 250_000n; // 0.25 dEUR per kWh (6 decimals)
const FEE_BPS = 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForRpc(client: PublicClient, anvil: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (anvil.exitCode !== null) throw new Error(`anvil exited with code ${anvil.exitCode}`);
    try {
      await client.getChainId();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('anvil did not answer within 10 s');
}

let anvil: ChildProcess | undefined;

test.after(() => {
  anvil?.kill('SIGTERM');
});

test('deploys, settles a signed batch into the ledger, refuses the same interval twice', async () => {
  const port = await freePort();
  anvil = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'anvil'), ['--port', String(port), '--silent'], {
    stdio: 'ignore',
  });
  const transport = http(`http://127.0.0.1:${port}`);
  const publicClient = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
  await waitForRpc(publicClient, anvil);
  const walletClient = createWalletClient({ account: deployer, chain: foundry, transport, pollingInterval: 20 });
  const settlerClient = createWalletClient({ account: settler, chain: foundry, transport, pollingInterval: 20 });

  const system: SystemAddresses = await deploySystem({
    walletClient,
    publicClient,
    safeOwners,
    guardian,
    settler: settler.address,
    feeBps: FEE_BPS,
    gridFeesPerKWh: { house: 1_000n, feeder: 2_000n, substation: 4_000n },
    gridOperator,
  });

  // Administration: a real 2-of-3 Safe is the only admin; the relay holds the settler role.
  assert.is(await publicClient.readContract({ address: system.safe, abi: safeAbi, functionName: 'getThreshold' }), 2n);
  const owners = await publicClient.readContract({ address: system.safe, abi: safeAbi, functionName: 'getOwners' });
  assert.equal(owners.map((owner) => owner.toLowerCase()).sort(), [...safeOwners].sort());
  const hasRole = (role: bigint, who: Address) =>
    publicClient.readContract({
      address: system.accessManager,
      abi: accessManagerAbi,
      functionName: 'hasRole',
      args: [role, who],
    });
  assert.is((await hasRole(ADMIN_ROLE, system.safe))[0], true, 'Safe is admin');
  assert.is((await hasRole(ADMIN_ROLE, deployer.address))[0], false, 'deployer renounced admin');
  assert.is((await hasRole(SETTLER_ROLE, settler.address))[0], true, 'relay is settler');
  const market = { address: system.tradingMarketplace, abi: tradingMarketplaceAbi } as const;
  assert.equal(await publicClient.readContract({ ...market, functionName: 'gridFees' }), [1_000, 2_000, 4_000]);
  assert.is((await publicClient.readContract({ ...market, functionName: 'gridOperator' })).toLowerCase(), gridOperator);
  for (const name of ['setGridFees', 'setGridOperator'] as const) {
    const item = tradingMarketplaceAbi.find((entry) => entry.type === 'function' && entry.name === name)!;
    const role = await publicClient.readContract({
      address: system.accessManager,
      abi: accessManagerAbi,
      functionName: 'getTargetFunctionRole',
      args: [system.tradingMarketplace, toFunctionSelector(item as AbiFunction)],
    });
    assert.is(role, PARAMETER_ROLE, `${name} is a parameter change`);
  }

  const send = async (hash: `0x${string}`) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    assert.is(receipt.status, 'success');
  };
  // Meters (the deployer is the default operator).
  const meterA = addressFromPrivateKey(meterKeyA) as Address;
  const meterB = addressFromPrivateKey(meterKeyB) as Address;
  for (const [meter, owner] of [
    [meterA, sellerA],
    [meterB, sellerB],
  ] as const) {
    await send(
      await walletClient.writeContract({
        address: system.meterRegistry,
        abi: meterRegistryAbi,
        functionName: 'registerMeter',
        args: [meter, owner, ZONE, 1, 5_000, 1_700_000_000],
      }),
    );
  }
  // Deposits for both buyers, paid by the deployer.
  const token = { address: system.settlementToken, abi: demoSettlementTokenAbi } as const;
  await send(await walletClient.writeContract({ ...token, functionName: 'mint', args: [deployer.address, 10_000_000n] }));
  await send(
    await walletClient.writeContract({ ...token, functionName: 'approve', args: [system.tradingMarketplace, 10_000_000n] }),
  );
  for (const buyer of [buyer1, buyer2]) {
    await send(
      await walletClient.writeContract({
        address: system.tradingMarketplace,
        abi: tradingMarketplaceAbi,
        functionName: 'deposit',
        args: [buyer, 1_000_000n],
      }),
    );
  }

  // One 15-minute interval that ended a minute ago, sealed by both meters.
  const nowS = Number((await publicClient.getBlock()).timestamp);
  const intervalStartS = nowS - 60 - 900;
  const seal = (meter: string, key: Uint8Array, exportStartWh: number, exportEndWh: number) =>
    signSeal(
      {
        v: 1,
        kind: 'seal',
        meter: meter.toLowerCase(),
        seq: 42,
        prev: '0x' + '5a'.repeat(32),
        startS: intervalStartS,
        endS: intervalStartS + 900,
        importStartWh: 1_000,
        importEndWh: 1_010,
        exportStartWh,
        exportEndWh,
        sampleCount: 90,
      },
      key,
    );
  const sellers: SettlementSeller[] = [
    { seller: sellerA, seal: seal(meterA, meterKeyA, 20_000, 21_000) },
    { seller: sellerB, seal: seal(meterB, meterKeyB, 5_000, 5_600) },
  ];
  // Not grouped by buyer on purpose: the builder groups them.
  const trades = [
    { buyer: buyer1, seller: sellerA, energyWh: 300 },
    { buyer: buyer2, seller: sellerB, energyWh: 400 },
    { buyer: buyer1, seller: sellerB, energyWh: 200 },
  ];
  const settlement = buildSettlementCalldata({
    zone: ZONE,
    intervalStartS,
    intervalEndS: intervalStartS + 900,
    pricePerKWh: PRICE_PER_KWH,
    sellers,
    trades,
  });
  assert.equal(
    settlement.orderedTrades.map((trade) => trade.buyer),
    [buyer1, buyer1, buyer2],
  );
  const settle = {
    address: system.tradingMarketplace,
    abi: tradingMarketplaceAbi,
    functionName: 'settle',
    args: settlement.args,
    account: settler,
  } as const;
  await send(await settlerClient.writeContract(settle));

  const accountOf = (who: Address) =>
    publicClient.readContract({
      address: system.tradingMarketplace,
      abi: tradingMarketplaceAbi,
      functionName: 'accountOf',
      args: [who],
    });
  // Cost = Wh × price / 1000: buyer1 500 Wh → 125 000, buyer2 400 Wh → 100 000.
  // Seller A gross 75 000, fee 1 % = 750; seller B gross 150 000, fee 1 500.
  assert.equal(await accountOf(buyer1), { balance: 875_000n, soldWh: 0n, boughtWh: 500n });
  assert.equal(await accountOf(buyer2), { balance: 900_000n, soldWh: 0n, boughtWh: 400n });
  assert.equal(await accountOf(sellerA), { balance: 74_250n, soldWh: 300n, boughtWh: 0n });
  assert.equal(await accountOf(sellerB), { balance: 148_500n, soldWh: 600n, boughtWh: 0n });
  assert.is(
    await publicClient.readContract({
      address: system.tradingMarketplace,
      abi: tradingMarketplaceAbi,
      functionName: 'feesAccrued',
    }),
    2_250n,
  );

  // The same interval again: refused by name.
  let revertName: string | undefined;
  try {
    await publicClient.simulateContract(settle);
  } catch (error) {
    const reverted =
      error instanceof BaseError ? error.walk((cause) => cause instanceof ContractFunctionRevertedError) : null;
    revertName = reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : String(error);
  }
  assert.is(revertName, 'IntervalAlreadySettled');

  // The feeder's batch of the same interval: a meter of its house sells 1 000 Wh to buyer 1, whose order climbed one
  // level (from another house); both sides pay the feeder's fee, 2 000 per kWh, to the grid operator.
  const meterC = addressFromPrivateKey(meterKeyC) as Address;
  await send(
    await walletClient.writeContract({
      address: system.meterRegistry,
      abi: meterRegistryAbi,
      functionName: 'registerMeter',
      args: [meterC, sellerC, HOUSE_ZONE, 1, 5_000, 1_700_000_000],
    }),
  );
  const feederBatch = buildSettlementCalldata({
    zone: FEEDER_ZONE,
    intervalStartS,
    intervalEndS: intervalStartS + 900,
    pricePerKWh: PRICE_PER_KWH,
    sellers: [{ seller: sellerC, seal: seal(meterC, meterKeyC, 1_000, 2_000) }],
    trades: [{ buyer: buyer1, seller: sellerC, energyWh: 1_000, buyerClimb: 1 }],
  });
  await send(await settlerClient.writeContract({ ...settle, args: feederBatch.args }));
  // Gross 250 000; platform fee 2 500; seller's grid fee 2 000; buyer's 2 000.
  assert.equal(await accountOf(buyer1), { balance: 875_000n - 252_000n, soldWh: 0n, boughtWh: 1_500n });
  assert.equal(await accountOf(sellerC), { balance: 245_500n, soldWh: 1_000n, boughtWh: 0n });
  assert.equal(await accountOf(gridOperator), { balance: 4_000n, soldWh: 0n, boughtWh: 0n });
});

test.run();
