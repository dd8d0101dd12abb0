import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bookEntryOf, participantHash, participantKey } from './order.ts';

test('a book entry of a fresh order: its energy and limit, no fee, four fields', () => {
  const order = { id: 'o1', participant: '0xAb', side: 'sell', energyWh: 1500, limitPriceMicroPerKWh: 120_000 } as const;
  assert.equal(bookEntryOf(order), { order, energyWh: 1500, limitMicroPerKWh: 120_000, feeMicroPerKWh: 0 });
});

test('participants with the same key hash the same, whatever their case or alphabet', () => {
  const pairs: Array<[string, string]> = [
    ['0xABCDEF0123456789abcdef0123456789ABCDEF01', '0xabcdef0123456789abcdef0123456789abcdef01'],
    ['meter-K', 'meter-\u212a'], // KELVIN SIGN lowers to an ASCII k
    ['İstanbul-9', 'i̇stanbul-9'], // İ lowers to two code units
    ['ΣΊΣΥΦΟΣ', 'σίσυφος'],
    ['a', 'A'],
    ['', ''],
  ];
  for (const [a, b] of pairs) {
    assert.is(participantKey(a), participantKey(b), `${a} / ${b}: same key`);
    assert.is(participantHash(a), participantHash(b), `${a} / ${b}`);
  }
});

test('property: equal participant keys give equal hashes', () => {
  const flipCase = (text: string, mask: readonly boolean[]) => [...text].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase())).join('');
  const textArb = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 42 }));
  fc.assert(
    fc.property(textArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (text, mask) => {
      const other = flipCase(text, mask);
      if (participantKey(other) === participantKey(text)) assert.is(participantHash(other), participantHash(text));
    }),
    { numRuns: 3000 },
  );
});

test.run();
