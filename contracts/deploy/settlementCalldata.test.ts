/**
 * Byte layout of the settle calldata (docs/contracts.md §"Settlement calldata") and the builder's refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFunctionData } from 'viem';
import { encodeSealBytes } from '../../shared/protocol/canonicalBytes.ts';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { tradingMarketplaceAbi } from './abis.ts';
import {
  SELLER_ENTRY_BYTE_LENGTH,
  SettlementCalldataError,
  TRADE_BYTE_LENGTH,
  buildSettlementCalldata,
  type SettlementBatch,
} from './settlementCalldata.ts';

const meterKey = new Uint8Array(32).fill(7);
const meter = addressFromPrivateKey(meterKey);
const seller = '0x000000000000000000000000000000000000a001';
const buyerX = '0x000000000000000000000000000000000000b001';
const buyerY = '0x000000000000000000000000000000000000B002';
const seal = signSeal(
  {
    v: 1,
    kind: 'seal',
    meter,
    seq: 3,
    prev: '0x' + '01'.repeat(32),
    startS: 1_767_200_000,
    endS: 1_767_200_900,
    importStartWh: 0,
    importEndWh: 5,
    exportStartWh: 100,
    exportEndWh: 900,
    sampleCount: 90,
  },
  meterKey,
);
const batch: SettlementBatch = {
  zone: 0xfedcba9876543210n,
  intervalStartS: 1_767_200_000,
  intervalEndS: 1_767_200_900,
  pricePerKWh: 250_000n,
  sellers: [{ seller, seal }],
  trades: [
    { buyer: buyerX, seller, energyWh: 100 },
    { buyer: buyerY, seller, energyWh: 0x01020304 },
    { buyer: buyerX, seller, energyWh: 50 },
  ],
};

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}

test('seller entry: seller ‖ 92 canonical seal bytes ‖ r ‖ s ‖ v', () => {
  const { args } = buildSettlementCalldata(batch);
  const sellers = hexBytes(args[4]);
  assert.is(sellers.length, SELLER_ENTRY_BYTE_LENGTH);
  assert.is(Buffer.from(sellers.subarray(0, 20)).toString('hex'), seller.slice(2));
  assert.equal(sellers.subarray(20, 112), encodeSealBytes(seal));
  assert.is('0x' + Buffer.from(sellers.subarray(112)).toString('hex'), seal.sig);
});

test('trades: buyer ‖ u16 seller index ‖ u32 energyWh, grouped by buyer in order of first appearance', () => {
  const { args, orderedTrades } = buildSettlementCalldata(batch);
  const trades = hexBytes(args[5]);
  assert.is(trades.length, 3 * TRADE_BYTE_LENGTH);
  assert.equal(
    orderedTrades.map((trade) => trade.energyWh),
    [100, 50, 0x01020304],
  );
  const second = trades.subarray(TRADE_BYTE_LENGTH, 2 * TRADE_BYTE_LENGTH);
  assert.is(Buffer.from(second.subarray(0, 20)).toString('hex'), buyerX.slice(2));
  assert.equal([...second.subarray(20)], [0, 0, 0, 0, 0, 50]);
  const third = trades.subarray(2 * TRADE_BYTE_LENGTH);
  assert.is(Buffer.from(third.subarray(0, 20)).toString('hex'), buyerY.slice(2).toLowerCase());
  assert.equal([...third.subarray(20)], [0, 0, 1, 2, 3, 4]);
});

test('a buyer climb fills the top 2 bits of the seller index field', () => {
  const feeder = 0x0001_0001_0000_0000n; // level 2: a climb of 1
  const { args } = buildSettlementCalldata({ ...batch, zone: feeder, trades: [{ buyer: buyerX, seller, energyWh: 7, buyerClimb: 1 }] });
  assert.equal([...hexBytes(args[5]).subarray(20)], [0x40, 0, 0, 0, 0, 7]);
});

test('data decodes back to the same settle arguments', () => {
  const { args, data } = buildSettlementCalldata(batch);
  const decoded = decodeFunctionData({ abi: tradingMarketplaceAbi, data });
  assert.is(decoded.functionName, 'settle');
  assert.equal(decoded.args, args);
  assert.is(args[0], batch.zone);
});

function codeOf(change: Partial<SettlementBatch>): string {
  try {
    buildSettlementCalldata({ ...batch, ...change });
  } catch (error) {
    assert.instance(error, SettlementCalldataError);
    return (error as SettlementCalldataError).code;
  }
  return 'no error';
}

test('refuses what the contract would refuse or misread, with a stable code', () => {
  assert.is(codeOf({ trades: [] }), 'batch_empty');
  assert.is(codeOf({ zone: 1n << 64n }), 'zone_out_of_range');
  assert.is(codeOf({ intervalStartS: 2 ** 32 }), 'interval_out_of_range');
  assert.is(codeOf({ intervalEndS: 1_767_200_000 }), 'interval_out_of_range');
  assert.is(codeOf({ pricePerKWh: -1n }), 'price_out_of_range');
  assert.is(codeOf({ trades: [{ buyer: buyerX, seller, energyWh: 0 }] }), 'energy_out_of_range');
  assert.is(codeOf({ trades: [{ buyer: buyerX, seller, energyWh: 1.5 }] }), 'energy_out_of_range');
  assert.is(codeOf({ trades: [{ buyer: 'nobody', seller, energyWh: 1 }] }), 'bad_address');
  assert.is(codeOf({ trades: [{ buyer: buyerX, seller: buyerY, energyWh: 1 }] }), 'unknown_seller');
  assert.is(
    codeOf({ sellers: [{ seller, seal }, { seller, seal }], trades: [{ buyer: buyerX, seller, energyWh: 1 }] }),
    'ambiguous_seller',
  );
  // The batch's hash-named zone has level 0: no climb; a feeder (level 2) allows 1, a substation (3) 1 or 2.
  assert.is(codeOf({ trades: [{ buyer: buyerX, seller, energyWh: 1, buyerClimb: 1 }] }), 'buyer_climb_out_of_range');
  const climbing = (zone: bigint, buyerClimb: number) => codeOf({ zone, trades: [{ buyer: buyerX, seller, energyWh: 1, buyerClimb }] });
  assert.is(climbing(0x0001_0001_0000_0000n, 2), 'buyer_climb_out_of_range');
  assert.is(climbing(0x0001_0001_0000_0000n, 1), 'no error');
  assert.is(climbing(0x0001_0000_0000_0000n, 2), 'no error');
  assert.is(climbing(0x0001_0000_0000_0000n, 3), 'buyer_climb_out_of_range');
  assert.is(climbing(0x0001_0000_0000_0000n, -1), 'buyer_climb_out_of_range');
});

test('a trade naming its meter picks that seller entry', () => {
  const { args } = buildSettlementCalldata({
    ...batch,
    sellers: [{ seller, seal }, { seller, seal: { ...seal, meter: '0x' + '99'.repeat(20) } }],
    trades: [{ buyer: buyerX, seller, meter: '0x' + '99'.repeat(20), energyWh: 1 }],
  });
  assert.equal([...hexBytes(args[5]).subarray(20, 22)], [0, 1]);
});

test.run();
