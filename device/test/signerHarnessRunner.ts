/**
 * Builds the signer harness (`espruinoSignerHarness.ts`) through the firmware pipeline and runs it on the
 * Espruino interpreter (`ESPRUINO_BIN`) or on V8 in a `vm` context with Espruino's globals shimmed
 * (`require("crypto").SHA256` from @noble/hashes, `getTime`, `process.memory`, `print`). Used by the device
 * test and by `npm run bench:device`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Bytes per variable block of the interpreter build (`process.memory().blocksize`; V8: 0). */
  bytesPerVar: number;
  /** Plain-loop iterations per second measured in the same run (the interpreter's speed yardstick). */
  loopIterationsPerSecond: number;
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
  const run: HarnessRun = { cases: [], baselineVars: 0, peakVars: 0, totalVars: 0, bytesPerVar: 0, loopIterationsPerSecond: 0 };
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
    } else if (parts[0] === 'LOOP') {
      run.loopIterationsPerSecond = (Number(parts[1]) * 1000) / Math.max(Number(parts[2]), 0.001);
    } else if (parts[0] === 'MEMORY') {
      run.baselineVars = Number(parts[1]);
      run.peakVars = Number(parts[2]);
      run.totalVars = Number(parts[3]);
      run.bytesPerVar = Number(parts[4]);
    } else if (parts[0] === 'DONE') {
      sawDone = true;
    }
  }
  if (!sawDone) throw new Error(`harness did not finish; output was:\n${output.slice(-2000)}`);
  return run;
}

/**
 * An in-memory stand-in for Espruino's `require("Storage")`: `write(name, data, offset?, size?)` as the
 * upload file calls it (first chunk with offset 0 and the total size, then chunks at their offsets) and `read`.
 */
function storageShim(): { write(name: string, data: string, offset?: number, size?: number): boolean; read(name: string): string | undefined } {
  const files: Record<string, string[]> = {};
  return {
    write(name, data, offset, size) {
      if (offset === undefined) files[name] = data.split('');
      else {
        if (size !== undefined || !files[name]) files[name] = new Array<string>(size ?? data.length).fill('\xff');
        for (let i = 0; i < data.length; i++) files[name]![offset + i] = data[i]!;
      }
      return true;
    },
    read(name) {
      return files[name] ? files[name]!.join('') : undefined;
    },
  };
}

/** Runs the harness bundle on V8 with Espruino's globals shimmed. */
export function runHarnessOnV8(bundlePath: string, cases: Array<[string, string]>, sliceProducts: number): HarnessRun {
  const lines: string[] = [];
  const storage = storageShim();
  const context = {
    print: (...values: unknown[]) => lines.push(values.map(String).join(' ')),
    getTime: () => performance.now() / 1000,
    require: (name: string) => {
      if (name === 'crypto') return { SHA256: (bytes: Uint8Array) => sha256(bytes).buffer };
      if (name === 'Storage') return storage;
      throw new Error(`no module ${name} in the V8 harness`);
    },
    process: { memory: () => ({ usage: 0, total: 0, blocksize: 0 }) },
    Uint8Array, Int8Array, Int32Array, Float64Array, ArrayBuffer, Math, Error, JSON, parseInt, atob,
  };
  runInNewContext(prelude(cases, sliceProducts) + readFileSync(bundlePath, 'utf8'), context);
  return parseOutput(lines.join('\n'));
}

/**
 * Runs the harness upload file in the Espruino interpreter at `espruinoBin` (a Linux build of Espruino).
 *
 * `'flash'` runs it the way a meter boots: a first run performs the upload's Storage writes (the generator
 * table) and saves the code as `.bootcde`; a second run executes that code from (emulated) flash, so function
 * bodies and the table stay in flash and the variable counts are those of a meter booting from Storage. The
 * Linux build emulates flash with a file, which makes reading code from it slow: time it with `'ram'`, where
 * the script is loaded as text (the table still comes from Storage).
 */
export function runHarnessOnEspruino(
  espruinoBin: string,
  uploadPath: string,
  cases: Array<[string, string]>,
  sliceProducts: number,
  codeIn: 'ram' | 'flash' = 'ram',
): HarnessRun {
  const upload = readFileSync(uploadPath, 'utf8').split('\n');
  const storageWrites = upload.filter((line) => line.startsWith('require("Storage").write('));
  const code = prelude(cases, sliceProducts) + upload.filter((line) => !line.startsWith('require("Storage").write(')).join('\n');
  const setupPath = uploadPath.replace(/\.js$/, '.espruino-setup.js');
  writeFileSync(setupPath, `${storageWrites.join('\n')}\nrequire("Storage").write(".bootcde", ${JSON.stringify(code)});\nquit();\n`);
  // The Linux build keeps its emulated flash (Storage) in ./espruino.flash: give it a scratch directory.
  const flashDir = mkdtempSync(join(tmpdir(), 'espruino-flash-'));
  try {
    const setup = spawnSync(espruinoBin, [setupPath], { cwd: flashDir, encoding: 'utf8', input: '', timeout: 120000 });
    if (setup.status !== 0) throw new Error(`Espruino setup run failed: ${setup.stdout}${setup.stderr}`);
    const scriptPath = uploadPath.replace(/\.js$/, '.espruino-run.js');
    writeFileSync(scriptPath, code);
    const args = codeIn === 'flash' ? ['-e', 'eval(require("Storage").read(".bootcde"))'] : [scriptPath];
    const run = spawnSync(espruinoBin, args, {
      cwd: flashDir,
      encoding: 'utf8',
      input: '',
      timeout: 600000,
    });
    return parseOutput(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  } finally {
    rmSync(flashDir, { recursive: true, force: true });
  }
}
