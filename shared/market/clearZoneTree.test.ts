import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearZoneTree, type ClearZoneTreeOptions } from './clearZoneTree.ts';
import { participantKey, type Order } from './order.ts';
import { schedulableWh } from './curtailToFeederLimit.ts';
import type { ZoneNode } from './zoneTree.ts';

const options: ClearZoneTreeOptions = {
  rule: 'default',
  minimumTradeThresholdWh: 500,
  maximumLocalGridDeviationBps: 1000,
  gridFeeMicroPerKWh: { house: 0, feeder: 10_000, substation: 20_000 },
};

const tree = (limitWh?: number): ZoneNode => ({
  id: 'sub', level: 'substation', children: [
    { id: 'f1', level: 'feeder', children: [
      { id: 'h1', level: 'house', ...(limitWh === undefined ? {} : { feederLimitWh: limitWh }) },
      { id: 'h2', level: 'house' },
    ] },
    { id: 'f2', level: 'feeder', children: [{ id: 'h3', level: 'house' }] },
  ],
});

const order = (id: string, participant: string, side: 'sell' | 'buy', energyWh: number, limitPriceMicroPerKWh: number): Order =>
  ({ id, participant, side, energyWh, limitPriceMicroPerKWh });

test('matches locally first, then passes the rest up with the grid fee of each level', () => {
  const result = clearZoneTree(tree(), new Map([
    ['h1', [order('a', '0xA', 'sell', 3000, 100_000), order('c', '0xC', 'buy', 1000, 300_000)]],
    ['h2', [order('b', '0xB', 'buy', 1000, 200_000)]],
    ['h3', [order('d', '0xD', 'buy', 1000, 250_000)]],
  ]), options);
  const [local, feeder, substation] = ['h1', 'f1', 'sub'].map((id) => result.trades.filter((t) => t.zoneId === id));
  assert.equal(local?.map((t) => [t.buyer, t.energyWh, t.priceMicroPerKWh, t.sellerFeeMicroPerKWh]), [['0xC', 1000, 200_000, 0]]);
  // In f1: seller's effective limit 110 000, buyer's 190 000 → midpoint 150 000, each side pays the 10 000 feeder fee.
  assert.equal(feeder?.map((t) => [t.buyer, t.priceMicroPerKWh, t.sellerFeeMicroPerKWh, t.buyerFeeMicroPerKWh, t.sellerFeeMicro]), [['0xB', 150_000, 10_000, 10_000, 10_000n]]);
  // In sub: seller climbed f1 and sub (30 000), buyer f2 and sub (30 000): limits 130 000 and 220 000 → 175 000.
  assert.equal(substation?.map((t) => [t.buyer, t.priceMicroPerKWh, t.sellerFeeMicroPerKWh, t.buyerFeeMicroPerKWh]), [['0xD', 175_000, 30_000, 30_000]]);
});

test('a feeder limit caps what a zone passes up, keeping the deviation headroom', () => {
  const result = clearZoneTree(tree(2000), new Map([
    ['h1', [order('a', '0xA', 'sell', 3000, 100_000)]],
    ['h2', [order('b', '0xB', 'buy', 3000, 300_000)]],
  ]), options);
  assert.is(schedulableWh(2000, 1000), 1800);
  assert.is(result.trades.reduce((sum, t) => sum + t.energyWh, 0), 1800);
  assert.equal(result.curtailed.map((c) => [c.zoneId, c.entries.map((e) => e.energyWh)]), [['h1', [1200]]]);
});

const leaves = ['h1', 'h2', 'h3'];
const bookArb = fc.array(
  fc.record({
    zone: fc.constantFrom(...leaves),
    participant: fc.integer({ min: 0, max: 5 }).map((n) => `0x${n}`),
    side: fc.constantFrom<'sell' | 'buy'>('sell', 'buy'),
    energyWh: fc.integer({ min: 1, max: 3000 }),
    limitPriceMicroPerKWh: fc.integer({ min: 0, max: 300_000 }),
  }),
  { maxLength: 30 },
);

test('property: fees within limits, threshold, no self-trade, no over-fill, feeder limit, determinism', () => {
  fc.assert(
    fc.property(bookArb, fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }), (rows, limitWh) => {
      const orders = rows.map((row, i) => ({ zone: row.zone, order: order(`o${i}`, row.participant, row.side, row.energyWh, row.limitPriceMicroPerKWh) }));
      const byZone = (list: typeof orders) => {
        const map = new Map<string, Order[]>();
        for (const { zone, order: o } of list) map.set(zone, [...(map.get(zone) ?? []), o]);
        return map;
      };
      const result = clearZoneTree(tree(limitWh), byZone(orders), options);
      const placed = new Map(orders.map(({ zone, order: o }) => [o.id, { zone, order: o }]));
      const tradedWh = new Map<string, number>();
      let h1NetExportWh = 0;
      for (const t of result.trades) {
        const seller = placed.get(t.sellOrderId)!;
        const buyer = placed.get(t.buyOrderId)!;
        assert.ok(t.energyWh >= 500);
        assert.ok(seller.order.limitPriceMicroPerKWh + t.sellerFeeMicroPerKWh <= t.priceMicroPerKWh);
        assert.ok(t.priceMicroPerKWh + t.buyerFeeMicroPerKWh <= buyer.order.limitPriceMicroPerKWh);
        assert.is.not(participantKey(t.seller), participantKey(t.buyer));
        tradedWh.set(t.sellOrderId, (tradedWh.get(t.sellOrderId) ?? 0) + t.energyWh);
        tradedWh.set(t.buyOrderId, (tradedWh.get(t.buyOrderId) ?? 0) + t.energyWh);
        if (t.zoneId !== 'h1') {
          if (seller.zone === 'h1') h1NetExportWh += t.energyWh;
          if (buyer.zone === 'h1') h1NetExportWh -= t.energyWh;
        }
      }
      for (const { order: o } of orders) assert.ok((tradedWh.get(o.id) ?? 0) <= o.energyWh);
      if (limitWh !== undefined) assert.ok(Math.abs(h1NetExportWh) <= schedulableWh(limitWh, 1000));
      const again = clearZoneTree(tree(limitWh), byZone([...orders].reverse()), options);
      assert.equal(again.trades, result.trades);
    }),
    { numRuns: 300 },
  );
});

test.run();
