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

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Median wall time and median CPU time (user + system of the whole process, so GC threads count) over `runs`
 * runs after 2 warm-ups. On a shared machine the CPU time is the steadier of the two.
 */
function measure(label: string, work: () => void): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs + 2; r += 1) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    work();
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(startCpu);
    if (r >= 2) {
      wall.push(elapsed);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const timing = { wallMs: median(wall), cpuMs: median(cpu) };
  console.log(`${label.padEnd(44)} wall ${timing.wallMs.toFixed(2).padStart(8)} ms   cpu ${timing.cpuMs.toFixed(2).padStart(8)} ms`);
  return timing;
}

const orders = makeBook(orderCount);
const entries: BookEntry[] = orders.map(bookEntryOf);
const prices = Float64Array.from(orders, (o) => o.limitPriceMicroPerKWh);
const priceList = orders.map((o) => o.limitPriceMicroPerKWh);

console.log(`market clearing benchmark: ${orderCount} orders in one zone, median of ${runs} runs after 2 warm-ups`);
const typedSort = measure('baseline: Float64Array.prototype.sort', () => {
  prices.slice().sort();
});
const arraySort = measure('baseline: Array sort of the same numbers', () => {
  priceList.slice().sort((a, b) => a - b);
});
let clearedWh = 0;
let tradeCount = 0;
const clearing = measure('clearZone (net, sort, cross, ration, pair)', () => {
  const result = clearZone(entries, { zoneId: 'bench', rule: 'default', minimumTradeThresholdWh: 500 });
  clearedWh = result.clearedWh;
  tradeCount = result.trades.length;
});
console.log(`cleared ${clearedWh} Wh in ${tradeCount} trades`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(`ratio clearZone / Float64Array sort: wall ${ratio(clearing.wallMs, typedSort.wallMs)}, cpu ${ratio(clearing.cpuMs, typedSort.cpuMs)} (target ≤ 3×)`);
console.log(`ratio clearZone / Array sort:        wall ${ratio(clearing.wallMs, arraySort.wallMs)}, cpu ${ratio(clearing.cpuMs, arraySort.cpuMs)}`);
