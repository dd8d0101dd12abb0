/**
 * `npm run bench:market`: clearing 100 000 orders in one zone, against sorting the same 100 000 prices in the
 * same run (the floor any price-ordered auction has to pay). The clearing is timed as its callers (the relay, the
 * `clear` command) pay for it: `clearOrders` from their `Order` objects to the finished `ZoneClearing` (trades,
 * netted volumes, remainders). Prints absolute times (median of interleaved rounds after warm-up rounds) and the
 * ratios, taken within each round, with their spread over the rounds. A deterministic pseudo-random book: half
 * offers, half bids, overlapping prices.
 */
import { clearOrders } from '../clearZone.ts';
import { clearZoneColumns } from '../clearZoneColumns.ts';
import { ScratchArena } from '../scratchArena.ts';
import { bookEntryOf, type BookEntry, type Order } from '../order.ts';
import { makeRandom } from './seededRandom.ts';

const orderCount = Number(process.env.BENCH_ORDERS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 21);
const warmUpRounds = 3;

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

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One timed call: wall time and CPU time (user + system of the whole process, so GC threads count). */
function sample(work: () => void): Sample {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(startCpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

const orders = makeBook(orderCount);
const entries: BookEntry[] = orders.map(bookEntryOf);
const prices = Float64Array.from(orders, (o) => o.limitPriceMicroPerKWh);
const priceList = orders.map((o) => o.limitPriceMicroPerKWh);
const options = { zoneId: 'bench', rule: 'default', minimumTradeThresholdWh: 500 } as const;
/** The auction's working memory, kept between rounds as `clearOrders` keeps its own. */
const arena = new ScratchArena();
let clearedWh = 0;
let tradeCount = 0;
let remainderCount = 0;

/**
 * The contenders. Each round runs all of them back to back (in a rotating order), so a busy moment on the shared
 * machine hits every contender of that round alike; ratios are taken within a round, then the median over rounds.
 */
const contenders: ReadonlyArray<{ readonly label: string; readonly work: () => void }> = [
  { label: 'baseline: Float64Array.prototype.sort', work: () => void prices.slice().sort() },
  { label: 'baseline: Array sort of the same numbers', work: () => void priceList.slice().sort((a, b) => a - b) },
  {
    // What the relay and the `clear` command run: their orders → the zone's clearing (trades, netted, remainders).
    label: 'clearing: orders → trades (clearOrders)',
    work: () => {
      const result = clearOrders(orders, options);
      clearedWh = result.clearedWh;
      tradeCount = result.trades.length;
      remainderCount = result.remainders.length;
    },
  },
  {
    label: '  the auction alone, in columns',
    work: () => void clearZoneColumns(entries, 'default', 500, arena),
  },
];
const clearingIndex = 2;
const columnsIndex = 3;

console.log(`market clearing benchmark: ${orderCount} orders in one zone, median of ${runs} interleaved rounds after ${warmUpRounds} warm-up rounds`);
const samples = contenders.map(() => [] as Sample[]);
for (let round = 0; round < warmUpRounds + runs; round += 1) {
  for (let c = 0; c < contenders.length; c += 1) {
    const index = (round + c) % contenders.length;
    const taken = sample((contenders[index] as (typeof contenders)[number]).work);
    if (round >= warmUpRounds) (samples[index] as Sample[]).push(taken);
  }
}
// The mean shows what the rounds with a garbage collection in them add on average (the median leaves them out).
console.log(`${'(per call)'.padEnd(44)} ${'wall, median'.padStart(16)} ${'cpu, median'.padStart(17)} ${'cpu, mean'.padStart(14)}`);
contenders.forEach(({ label }, c) => {
  const taken = samples[c] as Sample[];
  const wallMs = median(taken.map((s) => s.wallMs));
  const cpuMs = median(taken.map((s) => s.cpuMs));
  const meanCpuMs = mean(taken.map((s) => s.cpuMs));
  console.log(`${label.padEnd(44)} wall ${wallMs.toFixed(2).padStart(8)} ms   cpu ${cpuMs.toFixed(2).padStart(8)} ms   cpu ${meanCpuMs.toFixed(2).padStart(6)} ms`);
});
console.log(`cleared ${clearedWh} Wh in ${tradeCount} trades, ${remainderCount} remainders`);

/** Per-round ratios (contender ÷ baseline within the same round): median, and the spread as lowest–highest. */
function ratio(contender: number, baseline: number, field: keyof Sample): string {
  const taken = samples[contender] as Sample[];
  const base = samples[baseline] as Sample[];
  const ratios = taken.map((s, r) => s[field] / (base[r] as Sample)[field]).sort((a, b) => a - b);
  return `${median(ratios).toFixed(2)}× (${(ratios[0] as number).toFixed(2)}–${(ratios[ratios.length - 1] as number).toFixed(2)})`;
}
const both = (contender: number, baseline: number) => `wall ${ratio(contender, baseline, 'wallMs')}, cpu ${ratio(contender, baseline, 'cpuMs')}`;
console.log('ratios: median over rounds (lowest–highest round)');
console.log(`clearing (orders → trades) / Float64Array sort: ${both(clearingIndex, 0)}   target ≤ 3×`);
console.log(`clearing (orders → trades) / Array sort:        ${both(clearingIndex, 1)}`);
console.log(`auction in columns (clearZoneColumns) / Float64Array sort: ${both(columnsIndex, 0)}`);
const meanRatio = mean((samples[clearingIndex] as Sample[]).map((s) => s.cpuMs)) / mean((samples[0] as Sample[]).map((s) => s.cpuMs));
console.log(`clearing / Float64Array sort, mean cpu over all rounds: ${meanRatio.toFixed(2)}×`);

