/**
 * Builds the signer harness (`espruinoSignerHarness.ts`) through the firmware pipeline and runs it on the
 * Espruino interpreter (`ESPRUINO_BIN`) or on V8 in a `vm` context with Espruino's globals shimmed
 * (`require("crypto").SHA256` from @noble/hashes, `getTime`, `process.memory`, `print`). Used by the device
 * test and by `npm run bench:device`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { sha256 } from '@noble/hashes/sha2.js';
import { buildFirmware, type FirmwareBuildResult } from '../build/build.ts';

/** One signature as the harness reports it. */
export interface HarnessCaseResult {
  signatureHex: string;
  totalMs: number;
  largestStepMs: number;
  steps: number;
  products: number;
  largestStepProducts: number;
}

/** Everything a harness run printed. */
export interface HarnessRun {
  cases: HarnessCaseResult[];
  /** Interpreter variables in use before signing / at the peak / available (V8: 0). */
  baselineVars: number;
  peakVars: number;
  totalVars: number;
}

/** Builds the harness bundle (rule-checked, plus EspruinoTools' minified upload file) into device/dist/harness/. */
export function buildSignerHarness(): Promise<FirmwareBuildResult> {
  const outDir = fileURLToPath(new URL('../dist/harness/', import.meta.url));
  return buildFirmware('device/test/espruinoSignerHarness.ts', outDir, 'signer-harness');
}

function prelude(cases: Array<[string, string]>, sliceProducts: number): string {
  return `var HARNESS_CASES = ${JSON.stringify(cases)}; var HARNESS_SLICE = ${sliceProducts};\n`;
}

function parseOutput(output: string): HarnessRun {
  const run: HarnessRun = { cases: [], baselineVars: 0, peakVars: 0, totalVars: 0 };
  let sawDone = false;
  for (const line of output.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'CASE') {
      run.cases.push({
        signatureHex: parts[2]!,
        totalMs: Number(parts[3]),
        largestStepMs: Number(parts[4]),
        steps: Number(parts[5]),
        products: Number(parts[6]),
        largestStepProducts: Number(parts[7]),
      });
    } else if (parts[0] === 'MEMORY') {
      run.baselineVars = Number(parts[1]);
      run.peakVars = Number(parts[2]);
      run.totalVars = Number(parts[3]);
    } else if (parts[0] === 'DONE') {
      sawDone = true;
    }
  }
  if (!sawDone) throw new Error(`harness did not finish; output was:\n${output.slice(-2000)}`);
  return run;
}

/** Runs the harness bundle on V8 with Espruino's globals shimmed. */
export function runHarnessOnV8(bundlePath: string, cases: Array<[string, string]>, sliceProducts: number): HarnessRun {
  const lines: string[] = [];
  const context = {
    print: (...values: unknown[]) => lines.push(values.map(String).join(' ')),
    getTime: () => performance.now() / 1000,
    require: (name: string) => {
      if (name === 'crypto') return { SHA256: (bytes: Uint8Array) => sha256(bytes).buffer };
      throw new Error(`no module ${name} in the V8 harness`);
    },
    process: { memory: () => ({ usage: 0, total: 0 }) },
    Uint8Array, Int8Array, Int32Array, Float64Array, ArrayBuffer, Math, Error, JSON, parseInt, atob,
  };
  runInNewContext(prelude(cases, sliceProducts) + readFileSync(bundlePath, 'utf8'), context);
  return parseOutput(lines.join('\n'));
}

/** Runs the harness bundle in the Espruino interpreter at `espruinoBin` (a Linux build of Espruino). */
export function runHarnessOnEspruino(espruinoBin: string, bundlePath: string, cases: Array<[string, string]>, sliceProducts: number): HarnessRun {
  const scriptPath = bundlePath.replace(/\.js$/, '.espruino-run.js');
  writeFileSync(scriptPath, prelude(cases, sliceProducts) + readFileSync(bundlePath, 'utf8'));
  const run = spawnSync(espruinoBin, [scriptPath], { encoding: 'utf8', input: '', timeout: 600000 });
  return parseOutput(`${run.stdout ?? ''}${run.stderr ?? ''}`);
}
