import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearOrders, clearZone, type ZoneClearing } from './clearZone.ts';
import { bookEntryOf, participantKey, type Order } from './order.ts';

const thresholdWh = 500;
const clear = (orders: Order[], rule: 'default' | 'gsy' = 'default', minimumTradeThresholdWh = thresholdWh) =>
  clearZone(orders.map(bookEntryOf), { zoneId: 'z', rule, minimumTradeThresholdWh });

const sell = (id: string, participant: string, energyWh: number, limitPriceMicroPerKWh: number): Order =>
  ({ id, participant, side: 'sell', energyWh, limitPriceMicroPerKWh });
const buy = (id: string, participant: string, energyWh: number, limitPriceMicroPerKWh: number): Order =>
  ({ id, participant, side: 'buy', energyWh, limitPriceMicroPerKWh });

test('a crossing offer and bid trade at the midpoint; the amount is rounded down', () => {
  const result = clear([sell('s', '0xA', 1500, 100_001), buy('b', '0xB', 2000, 200_000)]);
  assert.is(result.clearingPriceMicroPerKWh, 150_000);
  assert.is(result.clearedWh, 1500);
  assert.is(result.trades.length, 1);
  assert.is(result.trades[0]?.amountMicro, 225_000n);
  assert.equal(result.remainders.map((r) => [r.order.id, r.energyWh]), [['b', 500]]);
  const odd = clear([sell('s', '0xA', 999, 1001), buy('b', '0xB', 999, 1001)]);
  assert.is(odd.trades[0]?.amountMicro, 999n); // 999 × 1001 / 1000 = 999.999 → 999
});

test('books that do not cross clear nothing', () => {
  const result = clear([sell('s', '0xA', 1000, 300), buy('b', '0xB', 1000, 200)]);
  assert.is(result.clearingPriceMicroPerKWh, null);
  assert.is(result.trades.length, 0);
  assert.is(result.remainders.length, 2);
});

test('orders below the threshold never trade', () => {
  const result = clear([sell('s', '0xA', 499, 100), buy('b', '0xB', 5000, 200)]);
  assert.is(result.clearedWh, 0);
});

test('the marginal level is rationed pro rata in lots of the threshold', () => {
  const result = clear([
    sell('s', '0xS', 2000, 100),
    buy('b1', '0xB1', 1000, 200), buy('b2', '0xB2', 1000, 200), buy('b3', '0xB3', 1000, 200),
  ]);
  const bought = Object.fromEntries(result.trades.map((t) => [t.buyOrderId, t.energyWh]));
  assert.equal(bought, { b1: 1000, b2: 500, b3: 500 });
  const exact = clear([
    sell('s', '0xS', 2000, 100),
    buy('b1', '0xB1', 1000, 200), buy('b2', '0xB2', 1000, 200), buy('b3', '0xB3', 1000, 200),
  ], 'default', 0);
  assert.equal(exact.trades.map((t) => t.energyWh), [667, 667, 666]);
});

test('a participant on both sides is netted first and never trades with itself', () => {
  const result = clear([sell('s', '0xAbC', 3000, 100), buy('b', '0xabc', 1000, 900), buy('c', '0xD', 1000, 500)]);
  assert.equal(result.netted, [{ participant: '0xabc', energyWh: 1000 }]);
  assert.is(result.trades.length, 1);
  assert.is(result.trades[0]?.buyer, '0xD');
  assert.is(result.trades[0]?.energyWh, 1000);
});

test('the largest orders and prices stay exact', () => {
  const result = clear([sell('s', '0xA', 1_000_000_000, 999_999_999), buy('b', '0xB', 1_000_000_000, 1_000_000_000)], 'gsy');
  assert.is(result.clearedWh, 1_000_000_000);
  assert.is(result.trades[0]?.amountMicro, 1_000_000_000_000_000n);
  const rationed = clear([
    sell('s', '0xA', 999_999_999, 0), buy('b1', '0xB', 1_000_000_000, 5), buy('b2', '0xC', 999_999_999, 5),
  ], 'default', 0);
  assert.equal(rationed.trades.map((t) => t.energyWh), [500_000_000, 499_999_999]);
});

// ---- properties on random books -------------------------------------------------------------------------

const orderArb = fc.record({
  participant: fc.integer({ min: 0, max: 7 }).map((n) => `0x${n}`),
  side: fc.constantFrom<'sell' | 'buy'>('sell', 'buy'),
  energyWh: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(500, 1000, 1500)),
  limitPriceMicroPerKWh: fc.oneof(fc.integer({ min: 0, max: 400_000 }), fc.constantFrom(100_000, 200_000, 250_000)),
});
const bookArb = fc.array(orderArb, { maxLength: 40 }).map((rows) => rows.map((row, i): Order => ({ id: `o${i}`, ...row })));
const thresholdArb = fc.constantFrom(0, 1, 500, 800);
const ruleArb = fc.constantFrom<'default' | 'gsy'>('default', 'gsy');

function checkInvariants(orders: Order[], result: ZoneClearing, threshold: number): void {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const tradedByOrder = new Map<string, number>();
  let soldWh = 0;
  let boughtWh = 0;
  for (const trade of result.trades) {
    const seller = byId.get(trade.sellOrderId) as Order;
    const buyer = byId.get(trade.buyOrderId) as Order;
    assert.is(seller.side, 'sell');
    assert.is(buyer.side, 'buy');
    assert.ok(trade.energyWh >= threshold && trade.energyWh > 0, `trade of ${trade.energyWh} Wh below ${threshold}`);
    assert.ok(buyer.limitPriceMicroPerKWh >= trade.priceMicroPerKWh, 'price above a buyer limit');
    assert.ok(trade.priceMicroPerKWh >= seller.limitPriceMicroPerKWh, 'price below a seller limit');
    assert.is(trade.priceMicroPerKWh, result.clearingPriceMicroPerKWh, 'uniform price');
    assert.is.not(participantKey(trade.seller), participantKey(trade.buyer), 'self-trade');
    soldWh += trade.energyWh;
    boughtWh += trade.energyWh;
    tradedByOrder.set(seller.id, (tradedByOrder.get(seller.id) ?? 0) + trade.energyWh);
    tradedByOrder.set(buyer.id, (tradedByOrder.get(buyer.id) ?? 0) + trade.energyWh);
  }
  assert.is(soldWh, result.clearedWh);
  assert.is(boughtWh, result.clearedWh);
  const remainingByOrder = new Map(result.remainders.map((r) => [r.order.id, r.energyWh]));
  const nettedByParticipant = new Map(result.netted.map((n) => [n.participant, n.energyWh]));
  const sides = new Map<string, { sell: number; buy: number }>();
  for (const order of orders) {
    const traded = tradedByOrder.get(order.id) ?? 0;
    const remaining = remainingByOrder.get(order.id) ?? 0;
    assert.ok(traded + remaining <= order.energyWh, `order ${order.id} over-filled`);
    const key = participantKey(order.participant);
    const s = sides.get(key) ?? { sell: 0, buy: 0 };
    s[order.side] += order.energyWh - traded - remaining;
    sides.set(key, s);
  }
  for (const [key, s] of sides) {
    // What disappeared from a participant's orders without trading is exactly what was netted, on both sides.
    assert.is(s.sell, nettedByParticipant.get(key) ?? 0, `netted sell volume of ${key}`);
    assert.is(s.buy, nettedByParticipant.get(key) ?? 0, `netted buy volume of ${key}`);
  }
}

test('property: supply equals demand, prices within limits, threshold, no self-trade, no over-fill', () => {
  fc.assert(
    fc.property(bookArb, thresholdArb, ruleArb, (orders, threshold, rule) => {
      checkInvariants(orders, clear(orders, rule, threshold), threshold);
    }),
    { numRuns: 400 },
  );
});

test('property: the same book in any order gives the same trades', () => {
  fc.assert(
    fc.property(
      bookArb.chain((orders) => fc.tuple(fc.constant(orders), fc.shuffledSubarray(orders, { minLength: orders.length }))),
      thresholdArb,
      ruleArb,
      ([orders, shuffled], threshold, rule) => {
        const a = clear(orders, rule, threshold);
        const b = clear(shuffled, rule, threshold);
        assert.equal(b.trades, a.trades);
        assert.is(b.clearingPriceMicroPerKWh, a.clearingPriceMicroPerKWh);
        assert.equal(b.remainders, a.remainders);
        assert.equal(clear(orders, rule, threshold), a, 'repeatable');
      },
    ),
    { numRuns: 300 },
  );
});

test('property: without a threshold the whole crossing volume clears', () => {
  // With T = 0 nothing is dropped, so the cleared volume is the largest q with supply(q) ≤ demand(q) in price.
  fc.assert(
    fc.property(bookArb, (orders) => {
      const distinct = orders.map((o, i) => ({ ...o, participant: `0xp${i}` }));
      const result = clear(distinct, 'default', 0);
      const offers = distinct.filter((o) => o.side === 'sell').sort((a, b) => a.limitPriceMicroPerKWh - b.limitPriceMicroPerKWh);
      const bids = distinct.filter((o) => o.side === 'buy').sort((a, b) => b.limitPriceMicroPerKWh - a.limitPriceMicroPerKWh);
      let expected = 0;
      const offerWh = offers.map((o) => o.energyWh);
      const bidWh = bids.map((o) => o.energyWh);
      let i = 0;
      let j = 0;
      while (i < offers.length && j < bids.length && (offers[i] as Order).limitPriceMicroPerKWh <= (bids[j] as Order).limitPriceMicroPerKWh) {
        const q = Math.min(offerWh[i] as number, bidWh[j] as number);
        expected += q;
        offerWh[i] = (offerWh[i] as number) - q;
        bidWh[j] = (bidWh[j] as number) - q;
        if (offerWh[i] === 0) i += 1;
        if (bidWh[j] === 0) j += 1;
      }
      assert.is(result.clearedWh, expected);
    }),
    { numRuns: 300 },
  );
});

test('property: clearOrders gives exactly what clearZone gives for the orders\' book entries', () => {
  const caseArb = fc.record({ participant: fc.constantFrom('0xA', '0xa', '0xB', '0xİx', '0xK', '0x\u212a'), upper: fc.boolean() });
  fc.assert(
    fc.property(bookArb, fc.array(caseArb, { maxLength: 40 }), thresholdArb, ruleArb, (orders, cases, threshold, rule) => {
      // Participants that differ only in case (including non-ASCII case pairs) must still be netted together.
      const book = orders.map((o, i) => (cases[i] === undefined ? o : { ...o, participant: cases[i].upper ? cases[i].participant.toUpperCase() : cases[i].participant }));
      const options = { zoneId: 'z', rule, minimumTradeThresholdWh: threshold };
      assert.equal(clearOrders(book, options), clearZone(book.map(bookEntryOf), options));
    }),
    { numRuns: 400 },
  );
});

test('trades and remainders are plain objects, fields in the order of their types', () => {
  const bid = buy('b', '0xB', 2000, 200_000);
  const result = clearOrders([sell('s', '0xA', 1500, 100_001), bid], { zoneId: 'z', rule: 'default', minimumTradeThresholdWh: 500 });
  const [trade] = result.trades;
  const [remainder] = result.remainders;
  assert.is(Object.getPrototypeOf(trade), Object.prototype);
  assert.is(trade?.constructor, Object);
  assert.equal(Object.keys(trade ?? {}), [
    'zoneId', 'sellOrderId', 'buyOrderId', 'seller', 'buyer', 'energyWh', 'priceMicroPerKWh', 'amountMicro',
    'sellerFeeMicroPerKWh', 'buyerFeeMicroPerKWh', 'sellerFeeMicro', 'buyerFeeMicro',
  ]);
  assert.is(Object.getPrototypeOf(remainder), Object.prototype);
  assert.equal(Object.keys(remainder ?? {}), ['order', 'energyWh', 'limitMicroPerKWh', 'feeMicroPerKWh']);
  assert.is(remainder?.order, bid);
  assert.equal(remainder, { ...bookEntryOf(bid), energyWh: 500 });
});

test('a clearing started from inside another (an entry getter) gets its own working memory', () => {
  const inner = [sell('is', '0xC', 800, 10), buy('ib', '0xD', 800, 20)];
  const outerBook = [sell('s', '0xA', 1500, 100_001), buy('b', '0xB', 2000, 200_000)];
  const options = { zoneId: 'z', rule: 'default', minimumTradeThresholdWh: 500 } as const;
  let innerResult: ZoneClearing | undefined;
  const entries = outerBook.map(bookEntryOf).map((entry, i) => (i === 0 ? {
    ...entry,
    get energyWh() {
      innerResult = clearOrders(inner, options);
      return 1500;
    },
  } : entry));
  assert.equal(clearZone(entries, options).trades, clearZone(outerBook.map(bookEntryOf), options).trades);
  assert.equal(innerResult, clearOrders(inner, options));
});

test('clearOrders on a large book equals clearZone on its entries', () => {
  const orders: Order[] = [];
  let state = 12_345;
  const next = (range: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % range;
  };
  for (let i = 0; i < 8000; i += 1) {
    orders.push({ id: `o${next(1_000_000)}-${i}`, participant: `0x${next(3000).toString(16)}`, side: next(2) === 0 ? 'sell' : 'buy', energyWh: 1 + next(5000), limitPriceMicroPerKWh: next(300_000) });
  }
  const options = { zoneId: 'z', rule: 'default', minimumTradeThresholdWh: 500 } as const;
  const result = clearOrders(orders, options);
  assert.ok(result.trades.length > 1000 && result.netted.length > 100, 'the book trades and nets');
  assert.equal(result, clearZone(orders.map(bookEntryOf), options));
});

test.run();
