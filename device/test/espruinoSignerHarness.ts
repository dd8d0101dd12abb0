/**
 * Entry bundled by `signerHarnessRunner.ts` to run the signer inside a JavaScript engine that is not Node's
 * module system: the Espruino interpreter (when `ESPRUINO_BIN` is set) or a V8 `vm` context with Espruino's
 * globals shimmed. The runner prepends `var HARNESS_CASES = [[keyHex, digestHex], …]; var HARNESS_SLICE = n;`.
 *
 * Prints one line per case — `CASE index signatureHex totalMs largestStepMs steps products largestStepProducts`
 * — after a first line `LOOP iterations ms` timing a plain loop, then `MEMORY baselineVars peakVars totalVars
 * bytesPerVar` and `DONE`, and quits the interpreter.
 */
import { limbProductCounter } from '../src/crypto/limbProductCounter.ts';
import { nativeSha256 } from '../src/crypto/nativeSha256.ts';
import { createSigningJob } from '../src/crypto/signingJob.ts';

declare const HARNESS_CASES: string[][];
declare const HARNESS_SLICE: number;
declare function print(a: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown): void;
declare function quit(): void;
declare const process: { memory(): { usage: number; total: number; blocksize?: number } };

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substring(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

/** Plain-loop speed in the same run (DESIGN §9's yardstick: 400 000–560 000 iterations/s on a desktop core). */
const LOOP_ITERATIONS = 20000;
let loopSum = 0;
const loopStart = getTime();
for (let i = 0; i < LOOP_ITERATIONS; i++) loopSum += i * i;
print('LOOP', LOOP_ITERATIONS, ((getTime() - loopStart) * 1000).toFixed(2), loopSum > 0 ? 1 : 0);

const baselineVars = process.memory().usage;
let peakVars = baselineVars;
for (let c = 0; c < HARNESS_CASES.length; c++) {
  const testCase = HARNESS_CASES[c]!;
  const job = createSigningJob(fromHex(testCase[0]!), fromHex(testCase[1]!), nativeSha256);
  const startProducts = limbProductCounter.products;
  let totalS = 0;
  let largestStepS = 0;
  let largestStepProducts = 0;
  let steps = 0;
  let done = false;
  while (!done) {
    const before = limbProductCounter.products;
    const t0 = getTime();
    done = job.step(HARNESS_SLICE);
    const stepS = getTime() - t0;
    totalS += stepS;
    steps++;
    if (stepS > largestStepS) largestStepS = stepS;
    if (limbProductCounter.products - before > largestStepProducts) largestStepProducts = limbProductCounter.products - before;
    const usage = process.memory().usage;
    if (usage > peakVars) peakVars = usage;
  }
  print('CASE', c, toHex(job.result()), (totalS * 1000).toFixed(1), (largestStepS * 1000).toFixed(1), steps,
    limbProductCounter.products - startProducts, largestStepProducts);
}
const memory = process.memory();
print('MEMORY', baselineVars, peakVars, memory.total, memory.blocksize || 0);
print('DONE');
if (typeof quit === 'function') quit();
