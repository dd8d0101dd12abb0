import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { decodeTrades } from '../chain/encodeSettlementCalldata.ts';
import { encodeSellers, encodeTrades, sellerMetersOf } from '../chain/encodeSettlementCalldata.ts';
import { buildSettlementBatches, type IntervalTrade } from './buildSettlementBatch.ts';

const buildSettlementBatch = (trades: IntervalTrade[], seals: Map<string, SealRecord>, t: typeof terms) => {
  const plans = buildSettlementBatches(trades, seals, t);
  assert.equal([...plans.keys()], ['f1'], 'one zone, one plan');
  return plans.get('f1')!;
};

const terms = { retailTariffMicroPerKWh: 300_000, feedInTariffMicroPerKWh: 50_000, maximumLocalGridDeviationBps: 1000, deviationPenaltyBps: 5000 };
const A = '0x' + 'a'.repeat(40);
const B = '0x' + 'b'.repeat(40);
const S1 = '0x' + '1'.repeat(40);
const S2 = '0x' + '2'.repeat(40);
const M1 = '0x' + 'c'.repeat(40);
const M2 = '0x' + 'd'.repeat(40);

function seal(meter: string, exportWh: number): SealRecord {
  return { v: 1, kind: 'seal', meter, seq: 5, prev: '0x' + '0'.repeat(64), startS: 900, endS: 1800, importStartWh: 0, importEndWh: 0, exportStartWh: 1000, exportEndWh: 1000 + exportWh, sampleCount: 30, sig: '0x' + '0'.repeat(128) + '1b' };
}

function trade(tradeIndex: number, seller: string, sellerMeter: string, buyer: string, energyWh: number): IntervalTrade {
  return { zone: 'f1', tradeIndex, seller, sellerMeter, buyer, energyWh, priceMicroPerKWh: 150_000, sellerFeeMicroPerKWh: 0, buyerFeeMicroPerKWh: 0, buyerClimb: 0 };
}

test('a seller is paid at most its sealed export, shared pro rata over its trades', () => {
  const trades = [trade(0, S1, M1, A, 600), trade(1, S1, M1, B, 400)];
  const plan = buildSettlementBatch(trades, new Map([[M1, seal(M1, 500)]]), terms);
  assert.is(plan.deliveredWh, 500);
  assert.equal(plan.deliveries.map((d) => d.deliveredWh), [300, 200]);
  assert.equal(plan.deliveries.map((d) => d.paidMicro), [45_000n, 30_000n]);
  assert.is(plan.grossMicro, 75_000n);
  assert.is(plan.sellers.length, 1);
  assert.equal(plan.trades, [
    { buyer: A, sellerIndex: 0, energyWh: 300, buyerClimb: 0 },
    { buyer: B, sellerIndex: 0, energyWh: 200, buyerClimb: 0 },
  ]);
});

test('a seller without a seal for the interval delivered nothing and is left out of the batch', () => {
  const trades = [trade(0, S1, M1, A, 600), trade(1, S2, M2, A, 300)];
  const plan = buildSettlementBatch(trades, new Map([[M2, seal(M2, 1000)]]), terms);
  assert.equal(plan.deliveries.map((d) => d.deliveredWh), [0, 300]);
  assert.is(plan.sellers.length, 1);
  assert.is(plan.sellers[0]!.seal.meter, M2);
  assert.equal(plan.trades, [{ buyer: A, sellerIndex: 0, energyWh: 300, buyerClimb: 0 }]);
});

test('trades are grouped by buyer and survive packing', () => {
  const trades = [trade(0, S1, M1, B, 100), trade(1, S2, M2, A, 200), trade(2, S1, M1, A, 300)];
  const plan = buildSettlementBatch(trades, new Map([[M1, seal(M1, 5000)], [M2, seal(M2, 5000)]]), terms);
  assert.equal(plan.trades.map((t) => t.buyer), [A, A, B]);
  assert.equal(decodeTrades(encodeTrades(plan.trades)), plan.trades);
  const paidSum = plan.deliveries.reduce((sum, d) => sum + d.paidMicro, 0n);
  assert.is(paidSum, plan.grossMicro);
});

test('refuses trades at two prices in one interval', () => {
  assert.throws(() => buildSettlementBatch([trade(0, S1, M1, A, 1), { ...trade(1, S1, M1, A, 1), priceMicroPerKWh: 1 }], new Map(), terms), /one clearing price/);
});

test('a tree interval: one plan per zone, delivery shared over both zones, the same seal in each, fees as the contract charges them', () => {
  // S1 sold 600 Wh in its feeder f1 (no fee) and 400 Wh at the substation (climbed one level: 20 000/kWh each side,
  // buyer B climbed one level too) but metered only 500 Wh: 300 + 200 delivered.
  const trades: IntervalTrade[] = [
    trade(0, S1, M1, A, 600),
    { ...trade(0, S1, M1, B, 400), zone: 'sub', priceMicroPerKWh: 180_000, sellerFeeMicroPerKWh: 20_000, buyerFeeMicroPerKWh: 20_000, buyerClimb: 1 },
  ];
  const plans = buildSettlementBatches(trades, new Map([[M1, seal(M1, 500)]]), terms);
  assert.equal([...plans.keys()], ['f1', 'sub']);
  const [local, parent] = [plans.get('f1')!, plans.get('sub')!];
  assert.equal([local.deliveredWh, parent.deliveredWh], [300, 200]);
  assert.is(local.sellers[0]!.seal, parent.sellers[0]!.seal, 'the same seal backs both batches');
  assert.equal(parent.trades, [{ buyer: B, sellerIndex: 0, energyWh: 200, buyerClimb: 1 }]);
  assert.equal(parent.deliveries, [{ tradeIndex: 0, deliveredWh: 200, paidMicro: 36_000n, buyerFeeMicro: 4_000n }]);
  assert.is(parent.gridFeeMicro, 8_000n, 'buyer 200 Wh × 20 000 + seller 200 Wh × 20 000');
  assert.is(local.gridFeeMicro, 0n);
});

test('the seller meters of a packed batch read back in order (what holds a later batch of the same meter back)', () => {
  const sellers = [{ seller: S1, seal: seal(M1, 100) }, { seller: S2, seal: seal(M2, 100) }];
  assert.equal(sellerMetersOf(encodeSellers(sellers)), [M1, M2]);
  assert.equal(sellerMetersOf('0x'), []);
});

test.run();
