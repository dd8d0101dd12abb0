import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { netSelfTrades } from './netSelfTrades.ts';
import { bookEntryOf, type Order } from './order.ts';

const order = (id: string, participant: string, side: 'sell' | 'buy', energyWh: number, limitPriceMicroPerKWh: number): Order =>
  ({ id, participant, side, energyWh, limitPriceMicroPerKWh });

test('nets a participant on both sides from its least competitive orders', () => {
  const { entries, netted } = netSelfTrades([
    order('s1', '0xAA', 'sell', 800, 100), order('s2', '0xaa', 'sell', 700, 300),
    order('b1', '0xAa', 'buy', 1000, 50), order('x', '0xBB', 'buy', 500, 400),
  ].map(bookEntryOf));
  assert.equal(netted, [{ participant: '0xaa', energyWh: 1000 }]);
  // 1 000 Wh leave the sell side from the highest offer first: s2 (700) then 300 of s1.
  assert.equal(entries.map((e) => [e.order.id, e.energyWh]), [['s1', 500], ['x', 500]]);
});

test('a book without anyone on both sides is returned as it is', () => {
  const book = [order('s', '0xA', 'sell', 800, 100), order('b', '0xB', 'buy', 800, 200)].map(bookEntryOf);
  const result = netSelfTrades(book);
  assert.is(result.entries, book);
  assert.equal(result.netted, []);
});

test.run();
