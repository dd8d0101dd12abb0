/**
 * `npm run device:build`: firmware entry → one script for the Espruino interpreter → the exact upload file.
 *
 * 1. esbuild bundles {@link FIRMWARE_ENTRY} into `device/dist/firmware.js` (`bundleFirmware.ts`), with every
 *    shorthand property spelled out as `key: key` (`expandShorthand.ts`: the minifier renames the variable
 *    of `{ a }` but not the property);
 * 2. the Espruino rule check (`espruinoRules.ts`) refuses any construct the interpreter cannot run, naming
 *    bundle line, source module and construct;
 * 3. EspruinoTools, offline with the board JSON named in `espruino.config.json` (`board.boardJson`), minifies
 *    and writes `device/dist/upload.js` — exactly what would be sent to the board, including the write of the
 *    signer's generator table to its own Storage file (mapped from flash, so it costs no RAM; see
 *    `generatorTableLayout.ts`). A preloaded guard (`offlineGuard.cjs`) fails the build if it tries to touch
 *    the network;
 * 4. the upload file is checked again (the minifier must not bring back refused constructs, and no shorthand
 *    property may be left in it) and its size printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFirmware } from './bundleFirmware.ts';
import { checkEspruinoSubset, formatViolation } from './espruinoRules.ts';
import { computeGeneratorTableBytes } from './generateGeneratorTable.ts';
import { GENERATOR_TABLE_STORAGE_FILE } from '../src/crypto/generatorTableLayout.ts';

/** Firmware entry, relative to the repository root (`device/build/signerDemoEntry.ts` builds the signer alone). */
export const FIRMWARE_ENTRY = 'device/src/main.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the build writes, and what it measured. */
export interface FirmwareBuildResult {
  firmwarePath: string;
  uploadPath: string;
  firmwareBytes: number;
  uploadBytes: number;
  /** Bytes of the generator table written to Storage by the upload file (part of uploadBytes, base64). */
  tableBytes: number;
}

/** The `board` section of `espruino.config.json` that the build reads. */
export interface BoardConfig {
  name: string;
  boardJson: string;
  storageBytes: number;
  maxVariables: number;
}

/** A build failure with a stable code and a message that says what went wrong. */
export interface BuildError extends Error {
  code: string;
}

function buildError(code: string, message: string): BuildError {
  const error = new Error(message) as BuildError;
  error.code = code;
  return error;
}

/** Reads and checks `espruino.config.json`'s `board` section; errors name the missing or wrong key. */
export function readBoardConfig(configPath: string = resolve(REPO_ROOT, 'espruino.config.json')): BoardConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    throw buildError('bad_config', `expected JSON in ${configPath}, got: ${(error as Error).message}`);
  }
  const board = (parsed as { board?: Record<string, unknown> }).board;
  if (typeof board !== 'object' || board === null) throw buildError('bad_config', `expected a "board" object in ${configPath}`);
  for (const [key, type] of [['name', 'string'], ['boardJson', 'string'], ['storageBytes', 'number'], ['maxVariables', 'number']]) {
    if (typeof board[key!] !== type) {
      throw buildError('bad_config', `expected board.${key} to be a ${type} in ${configPath}, got ${JSON.stringify(board[key!])}`);
    }
  }
  return board as unknown as BoardConfig;
}

/** The board JSON's `builtin_modules` (the `require`s the firmware provides). */
export function readBuiltinModules(boardJsonPath: string): string[] {
  const json = JSON.parse(readFileSync(boardJsonPath, 'utf8')) as { info?: { builtin_modules?: unknown } };
  const modules = json.info ? json.info.builtin_modules : undefined;
  if (!Array.isArray(modules) || modules.some((m) => typeof m !== 'string')) {
    throw buildError('bad_board_json', `expected info.builtin_modules as a list of names in ${boardJsonPath}`);
  }
  return modules as string[];
}

/** Throws `espruino_rules` listing every violation when `code` is outside the interpreter's subset. */
export function assertEspruinoSubset(code: string, fileName: string): void {
  const violations = checkEspruinoSubset(code);
  if (violations.length === 0) return;
  const lines = violations.map((v) => '  ' + formatViolation(v, fileName, code));
  throw buildError('espruino_rules', `${violations.length} construct(s) Espruino cannot run:\n${lines.join('\n')}`);
}

/** Runs the whole pipeline for `entry` (relative to the repository root) into `outDir`. */
export async function buildFirmware(
  entry: string = FIRMWARE_ENTRY,
  outDir: string = resolve(REPO_ROOT, 'device', 'dist'),
  outName: string = 'firmware',
): Promise<FirmwareBuildResult> {
  const board = readBoardConfig();
  const boardJsonPath = resolve(REPO_ROOT, board.boardJson);
  const builtinModules = readBuiltinModules(boardJsonPath);
  mkdirSync(outDir, { recursive: true });
  const firmwarePath = resolve(outDir, `${outName}.js`);
  const uploadPath = resolve(outDir, outName === 'firmware' ? 'upload.js' : `${outName}.upload.js`);
  await bundleFirmware({ entryPath: resolve(REPO_ROOT, entry), outputPath: firmwarePath, builtinModules });
  assertEspruinoSubset(readFileSync(firmwarePath, 'utf8'), firmwarePath);

  const tablePath = resolve(outDir, GENERATOR_TABLE_STORAGE_FILE);
  const table = computeGeneratorTableBytes();
  writeFileSync(tablePath, table);

  const cli = resolve(REPO_ROOT, 'node_modules', 'espruino', 'bin', 'espruino-cli.js');
  const guard = resolve(REPO_ROOT, 'device', 'build', 'offlineGuard.cjs');
  const run = spawnSync(process.execPath, [
    '--require', guard, cli, '--board', boardJsonPath, '-m',
    '--storage', `${GENERATOR_TABLE_STORAGE_FILE}:${tablePath}`,
    '-o', uploadPath, firmwarePath,
  ], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 300000,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.error) throw buildError('espruino_tools', `EspruinoTools did not finish (${run.error.message}):\n${output}`);
  if (run.status !== 0 || /offline build:|Module .* not found|not minifying|Errors while minifying/i.test(output)) {
    throw buildError('espruino_tools', `EspruinoTools failed (exit ${run.status}):\n${output}`);
  }
  assertEspruinoSubset(readFileSync(uploadPath, 'utf8'), uploadPath);
  return {
    firmwarePath,
    uploadPath,
    firmwareBytes: statSync(firmwarePath).size,
    uploadBytes: statSync(uploadPath).size,
    tableBytes: table.length,
  };
}

async function main(): Promise<number> {
  try {
    const board = readBoardConfig();
    const result = await buildFirmware();
    const storageShare = ((100 * result.uploadBytes) / board.storageBytes).toFixed(1);
    console.log(`entry        ${FIRMWARE_ENTRY}`);
    console.log(`bundle       ${result.firmwarePath} (${result.firmwareBytes} bytes)`);
    console.log(`upload file  ${result.uploadPath}: ${result.uploadBytes} bytes (${storageShare} % of ${board.name} Storage, ${board.storageBytes} bytes)`);
    console.log(`             includes the ${result.tableBytes}-byte generator table written to Storage as ${GENERATOR_TABLE_STORAGE_FILE}`);
    return 0;
  } catch (error) {
    const e = error as BuildError;
    console.error(`device build failed [${e.code ?? 'error'}]: ${e.message}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code));
}
