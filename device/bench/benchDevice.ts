/**
 * `npm run bench:device`: the meter firmware's size, signing cost and memory, each against its budget and
 * against a baseline measured in the same run.
 *
 * - Upload file (`device/src/main.ts` through the whole build) against the ESP32 Storage (896 KB) and a code
 *   budget of 256 KB: the rest of Storage (640 KB) is left to the record queue and settings.
 * - Limb products per signature (the counter in the signer) against the 200 000 budget of DESIGN §9.
 * - Interpreter time per signature, estimated as limb products × 5 µs (DESIGN §9 measured 4.6–5 µs per limb
 *   product on Espruino on a desktop-class core) against 1 s, beside the bundle's own time on V8 (the baseline)
 *   and, when `ESPRUINO_BIN` names a Linux Espruino build, the time measured in that interpreter, also
 *   expressed in plain-loop iterations timed in the same run (so a busy machine does not skew the ratio).
 * - The largest single step of the signing job at the firmware's slice size (4 000 products) against 50 ms.
 * - Peak variables against the ESP32's 16 383: measured in the interpreter when `ESPRUINO_BIN` is set, with
 *   the code booted from Storage as on a meter (and, for comparison, loaded into RAM), its blocks converted
 *   to 16-byte ESP32 variables by bytes; otherwise a documented worst-case estimate: the upload text held in
 *   RAM at 12 characters per variable plus the signer's working set (≈ 720 variables, measured on 2v29 Linux
 *   as ≈ 430 blocks of 27 bytes).
 */
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { FIRMWARE_ENTRY, buildFirmware } from '../build/build.ts';
import { buildSignerHarness, runHarnessOnEspruino, runHarnessOnV8 } from '../test/signerHarnessRunner.ts';

const STORAGE_BYTES = 917504;
const CODE_BUDGET_BYTES = 262144;
const LIMB_PRODUCT_BUDGET = 200000;
const MICROSECONDS_PER_LIMB_PRODUCT = 5;
const SIGNATURE_TIME_BUDGET_MS = 1000;
const STEP_BUDGET_MS = 50;
const SLICE_LIMB_PRODUCTS = 4000;
const ESP32_VARIABLES = 16383;
const ESP32_BYTES_PER_VARIABLE = 16;
const ESP32_CHARS_PER_VARIABLE = 12;
const SIGNER_WORKING_SET_VARIABLES = 720;
const V8_SIGNATURES = 50;
const ESPRUINO_SIGNATURES = 3;

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function row(figure: string, value: string, against: string, ratio: number): void {
  console.log(`${figure.padEnd(34)} ${value.padEnd(30)} ${against.padEnd(36)} ${ratio.toFixed(3)}`);
}

function randomCases(count: number): Array<[string, string]> {
  const cases: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) {
    cases.push([Buffer.from(secp256k1.utils.randomSecretKey()).toString('hex'), randomBytes(32).toString('hex')]);
  }
  return cases;
}

async function main(): Promise<void> {
  const firmware = await buildFirmware(FIRMWARE_ENTRY);
  const harness = await buildSignerHarness();
  const v8 = runHarnessOnV8(harness.uploadPath, randomCases(V8_SIGNATURES), SLICE_LIMB_PRODUCTS);
  const maxProducts = Math.max(...v8.cases.map((c) => c.products));
  const meanProducts = v8.cases.reduce((sum, c) => sum + c.products, 0) / v8.cases.length;
  const largestStepProducts = Math.max(...v8.cases.map((c) => c.largestStepProducts));
  const meanV8Ms = v8.cases.reduce((sum, c) => sum + c.totalMs, 0) / v8.cases.length;
  const estimatedMs = (meanProducts * MICROSECONDS_PER_LIMB_PRODUCT) / 1000;
  const estimatedStepMs = (largestStepProducts * MICROSECONDS_PER_LIMB_PRODUCT) / 1000;

  console.log(`device benchmark — firmware ${FIRMWARE_ENTRY}, signer slices of ${fmt(SLICE_LIMB_PRODUCTS)} limb products`);
  console.log(`${'figure'.padEnd(34)} ${'value'.padEnd(30)} ${'budget / baseline'.padEnd(36)} ratio`);
  row('upload file (minified)', `${fmt(firmware.uploadBytes)} B`, `${fmt(CODE_BUDGET_BYTES)} B code budget`, firmware.uploadBytes / CODE_BUDGET_BYTES);
  row('', '', `${fmt(STORAGE_BYTES)} B ESP32 Storage`, firmware.uploadBytes / STORAGE_BYTES);
  row('bundle before minifying', `${fmt(firmware.firmwareBytes)} B`, `${fmt(firmware.uploadBytes)} B upload file`, firmware.firmwareBytes / firmware.uploadBytes);
  row('limb products / signature (max)', `${fmt(maxProducts)} (mean ${fmt(meanProducts)})`, `${fmt(LIMB_PRODUCT_BUDGET)} budget`, maxProducts / LIMB_PRODUCT_BUDGET);
  row('interpreter time / sig (estimate)', `${fmt(estimatedMs)} ms (× ${MICROSECONDS_PER_LIMB_PRODUCT} µs/product)`, `${fmt(SIGNATURE_TIME_BUDGET_MS)} ms budget`, estimatedMs / SIGNATURE_TIME_BUDGET_MS);
  row('', '', `${fmt(meanV8Ms, 1)} ms same bundle on V8`, estimatedMs / meanV8Ms);
  row('largest step (estimate)', `${fmt(largestStepProducts)} products = ${fmt(estimatedStepMs, 1)} ms`, `${STEP_BUDGET_MS} ms budget`, estimatedStepMs / STEP_BUDGET_MS);

  const espruinoBin = process.env.ESPRUINO_BIN;
  if (espruinoBin) {
    const run = runHarnessOnEspruino(espruinoBin, harness.uploadPath, randomCases(ESPRUINO_SIGNATURES), SLICE_LIMB_PRODUCTS, 'ram');
    const booted = runHarnessOnEspruino(espruinoBin, harness.uploadPath, randomCases(1), SLICE_LIMB_PRODUCTS, 'flash');
    const meanMs = run.cases.reduce((sum, c) => sum + c.totalMs, 0) / run.cases.length;
    const largestStepMs = Math.max(...run.cases.map((c) => c.largestStepMs));
    const meanCaseProducts = run.cases.reduce((sum, c) => sum + c.products, 0) / run.cases.length;
    const esp32Vars = Math.ceil((booted.peakVars * booted.bytesPerVar) / ESP32_BYTES_PER_VARIABLE);
    const ramEsp32Vars = Math.ceil((run.peakVars * run.bytesPerVar) / ESP32_BYTES_PER_VARIABLE);
    row('Espruino time / sig (measured)', `${fmt(meanMs)} ms (${fmt((1000 * meanMs) / meanCaseProducts, 2)} µs/product)`, `${fmt(SIGNATURE_TIME_BUDGET_MS)} ms budget`, meanMs / SIGNATURE_TIME_BUDGET_MS);
    row('', '', `${fmt(estimatedMs)} ms estimate`, meanMs / estimatedMs);
    row('', '', `${fmt(meanV8Ms, 1)} ms same bundle on V8`, meanMs / meanV8Ms);
    const loopsPerSignature = (meanMs / 1000) * run.loopIterationsPerSecond;
    const designLoopsPerSecond = 480000;
    row('Espruino plain loop (same run)', `${fmt(run.loopIterationsPerSecond)} iterations/s`, `${fmt(designLoopsPerSecond)} /s DESIGN §9 (400–560 k)`, run.loopIterationsPerSecond / designLoopsPerSecond);
    row('signature in loop iterations', `${fmt(loopsPerSignature)} (load-independent)`, `${fmt(designLoopsPerSecond)} = 1 s at DESIGN speed`, loopsPerSignature / designLoopsPerSecond);
    row('Espruino largest step (measured)', `${fmt(largestStepMs, 1)} ms`, `${STEP_BUDGET_MS} ms budget`, largestStepMs / STEP_BUDGET_MS);
    row('peak variables, code in Storage', `${fmt(booted.peakVars)} blocks × ${booted.bytesPerVar} B`, `${fmt(run.peakVars)} blocks with code in RAM`, booted.peakVars / run.peakVars);
    row('', `≈ ${fmt(esp32Vars)} ESP32 variables`, `${fmt(ESP32_VARIABLES)} ESP32 variables`, esp32Vars / ESP32_VARIABLES);
    row('peak variables, code in RAM', `≈ ${fmt(ramEsp32Vars)} ESP32 variables`, `${fmt(ESP32_VARIABLES)} ESP32 variables`, ramEsp32Vars / ESP32_VARIABLES);
    row('signing working set (measured)', `${fmt(booted.peakVars - booted.baselineVars)} blocks`, `${fmt(booted.baselineVars)} blocks before signing`, (booted.peakVars - booted.baselineVars) / booted.baselineVars);
  } else {
    const estimateVars = Math.ceil(firmware.uploadBytes / ESP32_CHARS_PER_VARIABLE) + SIGNER_WORKING_SET_VARIABLES;
    row('peak variables (estimate)', `${fmt(estimateVars)} (code in RAM + signer)`, `${fmt(ESP32_VARIABLES)} ESP32 variables`, estimateVars / ESP32_VARIABLES);
    console.log('(set ESPRUINO_BIN to a Linux Espruino build to measure interpreter time and variables)');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
