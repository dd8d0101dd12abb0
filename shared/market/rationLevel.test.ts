import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rationLevel } from './rationLevel.ts';

test('lots of the threshold, largest remainder, ties to the earlier order', () => {
  assert.equal(rationLevel([1000, 1000, 1000], 2000, 500), [1000, 500, 500]);
  assert.equal(rationLevel([1000, 1000, 1000, 1000, 1000, 1000, 1000], 5000, 500), [1000, 1000, 1000, 500, 500, 500, 500]);
  assert.equal(rationLevel([3000], 1800, 500), [1800]);
  assert.equal(rationLevel([600, 4000], 1000, 500), [0, 1000]);
});

test('without a threshold it is exact pro rata in Wh', () => {
  assert.equal(rationLevel([1000, 1000, 1000], 2000, 0), [667, 667, 666]);
  assert.equal(rationLevel([1, 2, 3], 3, 0), [1, 1, 1]);
});

test('property: fills are 0 or ≥ T, never above the order, never more than the allocation', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 500, max: 10_000 }), { minLength: 1, maxLength: 12 }),
    fc.integer({ min: 0, max: 1_000 }),
    fc.nat(),
    (energies, thresholdWh, seed) => {
      const total = energies.reduce((a, b) => a + b, 0);
      const allocationWh = seed % total;
      const fills = rationLevel(energies, allocationWh, Math.min(thresholdWh, 500));
      fills.forEach((fill, k) => {
        assert.ok(fill === 0 || fill >= Math.min(thresholdWh, 500));
        assert.ok(fill <= (energies[k] as number));
      });
      assert.ok(fills.reduce((a, b) => a + b, 0) <= allocationWh);
    },
  ), { numRuns: 300 });
});

test.run();
