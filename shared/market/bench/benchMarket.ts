/**
 * `npm run bench:market`: clearing 100 000 orders in one zone, against sorting the same 100 000 prices in the
 * same run (the floor any price-ordered auction has to pay). Prints absolute times (median of several runs,
 * after warm-up) and the ratio. A deterministic pseudo-random book: half offers, half bids, overlapping prices.
 */
import { clearZone } from '../clearZone.ts';
import { bookEntryOf, type BookEntry, type Order } from '../order.ts';

const orderCount = Number(process.env.BENCH_ORDERS ?? 100_000);
const runs = 9;

/** xorshift32: the same book on every run and machine. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

function makeBook(count: number): Order[] {
  const random = makeRandom(20_220_801);
  const orders: Order[] = [];
  for (let i = 0; i < count; i += 1) {
    const side = i % 2 === 0 ? 'sell' : 'buy';
    // Offers 50 000–300 000, bids 100 000–350 000 micro per kWh: about half of each side crosses.
    const base = side === 'sell' ? 50_000 : 100_000;
    orders.push({
      id: `order-${i.toString().padStart(6, '0')}`,
      participant: `0x${i.toString(16).padStart(40, '0')}`,
      side,
      energyWh: 500 + Math.floor(random() * 4500),
      limitPriceMicroPerKWh: base + Math.floor(random() * 250_000),
    });
  }
  return orders;
}

function medianMs(label: string, work: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < runs + 2; r += 1) {
    const start = performance.now();
    work();
    const elapsed = performance.now() - start;
    if (r >= 2) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  console.log(`${label.padEnd(44)} ${median.toFixed(2).padStart(9)} ms  (min ${(times[0] as number).toFixed(2)}, max ${(times[times.length - 1] as number).toFixed(2)})`);
  return median;
}

const orders = makeBook(orderCount);
const entries: BookEntry[] = orders.map(bookEntryOf);
const prices = Float64Array.from(orders, (o) => o.limitPriceMicroPerKWh);
const priceList = orders.map((o) => o.limitPriceMicroPerKWh);

console.log(`market clearing benchmark: ${orderCount} orders in one zone, median of ${runs} runs after 2 warm-ups`);
const typedSortMs = medianMs('baseline: Float64Array.prototype.sort', () => {
  prices.slice().sort();
});
const arraySortMs = medianMs('baseline: Array sort of the same numbers', () => {
  priceList.slice().sort((a, b) => a - b);
});
let clearedWh = 0;
let tradeCount = 0;
const clearMs = medianMs('clearZone (net, sort, cross, ration, pair)', () => {
  const result = clearZone(entries, { zoneId: 'bench', rule: 'default', minimumTradeThresholdWh: 500 });
  clearedWh = result.clearedWh;
  tradeCount = result.trades.length;
});
console.log(`cleared ${clearedWh} Wh in ${tradeCount} trades`);
console.log(`ratio clearZone / Float64Array sort: ${(clearMs / typedSortMs).toFixed(2)}× (target ≤ 3×)`);
console.log(`ratio clearZone / Array sort:        ${(clearMs / arraySortMs).toFixed(2)}×`);
