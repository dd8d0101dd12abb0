import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearZone } from './clearZone.ts';
import { clearZoneReference } from './clearZoneReference.ts';
import { bookEntryOf, type BookEntry, type Order } from './order.ts';
import { makeRandom } from './bench/seededRandom.ts';

// Books that stress every branch: few participants (self-trade netting), few prices (ties, marginal levels,
// id order), energies around the threshold, fees and effective limits as the zone tree makes them.
const orderArb = fc.record({
  participant: fc.integer({ min: 0, max: 9 }).map((n) => (n % 2 === 0 ? `0xAb${n}` : `0xab${n}`)),
  side: fc.constantFrom<'sell' | 'buy'>('sell', 'buy'),
  energyWh: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(250, 500, 1000, 1500), fc.integer({ min: 1, max: 1_000_000_000 })),
  limitPriceMicroPerKWh: fc.oneof(fc.integer({ min: 0, max: 400_000 }), fc.constantFrom(100_000, 200_000, 250_000), fc.integer({ min: 0, max: 1_000_000_000 })),
  feeMicroPerKWh: fc.constantFrom(0, 0, 10_000, 30_000, 1_234),
  id: fc.string({ minLength: 1, maxLength: 3 }),
});
const bookArb = fc.array(orderArb, { maxLength: 60 }).map((rows) =>
  rows.map(({ id, feeMicroPerKWh, ...row }, i): BookEntry => {
    const order: Order = { id: `${id}#${i}`, ...row };
    const entry = bookEntryOf(order);
    const limit = row.side === 'sell' ? row.limitPriceMicroPerKWh + feeMicroPerKWh : row.limitPriceMicroPerKWh - feeMicroPerKWh;
    return { ...entry, limitMicroPerKWh: limit, feeMicroPerKWh };
  }));
const thresholdArb = fc.constantFrom(0, 1, 500, 800);
const ruleArb = fc.constantFrom<'default' | 'gsy'>('default', 'gsy');

test('property: clearZone gives exactly the reference result (trades, order, amounts, netted, remainders)', () => {
  fc.assert(
    fc.property(bookArb, thresholdArb, ruleArb, (entries, threshold, rule) => {
      const options = { zoneId: 'z', rule, minimumTradeThresholdWh: threshold };
      assert.equal(clearZone(entries, options), clearZoneReference(entries, options));
    }),
    { numRuns: 1500 },
  );
});

test('a large book (the sorting and rationing paths for big sides) matches the reference', () => {
  for (const [seed, priceCount] of [[1, 250_000], [2, 40], [3, 3_000_000_000]] as const) {
    const random = makeRandom(seed);
    const entries: BookEntry[] = [];
    for (let i = 0; i < 6000; i += 1) {
      const side = random() < 0.5 ? 'sell' : 'buy';
      const participant = `0x${Math.floor(random() * 5000).toString(16)}`;
      entries.push({
        order: { id: `o${Math.floor(random() * 1e9)}-${i}`, participant, side, energyWh: 1 + Math.floor(random() * 5000), limitPriceMicroPerKWh: 0 },
        energyWh: 1 + Math.floor(random() * 5000),
        limitMicroPerKWh: (side === 'sell' ? 0 : priceCount / 4) + Math.floor(random() * priceCount),
        feeMicroPerKWh: Math.floor(random() * 3) * 10_000,
      });
    }
    for (const rule of ['default', 'gsy'] as const) {
      const options = { zoneId: 'big', rule, minimumTradeThresholdWh: 500 };
      assert.equal(clearZone(entries, options), clearZoneReference(entries, options), `seed ${seed}, ${rule}`);
    }
  }
});

test.run();
