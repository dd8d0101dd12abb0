/**
 * The exact firmware bundle the simulator runs: `device/dist/firmware.js`, built by the device build
 * (device/build/build.ts) when it is missing or older than the sources it is built from.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the bundle the board would receive (before EspruinoTools minifies it). */
export const FIRMWARE_BUNDLE_PATH = fileURLToPath(new URL('../dist/firmware.js', import.meta.url));

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
/** What the bundle is built from: a change to any of these makes the bundle stale. */
const sourceDirs = [
  fileURLToPath(new URL('../src/', import.meta.url)),
  fileURLToPath(new URL('../../shared/protocol/', import.meta.url)),
  fileURLToPath(new URL('../build/', import.meta.url)),
];

function newestModificationMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestModificationMs(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isBundleCurrent(): boolean {
  if (!existsSync(FIRMWARE_BUNDLE_PATH)) return false;
  const bundleMs = statSync(FIRMWARE_BUNDLE_PATH).mtimeMs;
  return sourceDirs.every((dir) => !existsSync(dir) || newestModificationMs(dir) <= bundleMs);
}

/**
 * Reads `device/dist/firmware.js`, building it first if it is missing or stale. The build goes to a private
 * folder and is renamed into place, so processes that start meters at the same time never read half a file.
 * With `freshBuildDir`, runs the whole device build into that folder instead and reads the result there.
 */
export async function loadFirmwareBundle(freshBuildDir?: string): Promise<string> {
  const { buildFirmware } = await import('../build/build.ts');
  if (freshBuildDir !== undefined) {
    const result = await buildFirmware(undefined, freshBuildDir);
    return readFileSync(result.firmwarePath, 'utf8');
  }
  if (!isBundleCurrent()) {
    mkdirSync(distDir, { recursive: true });
    const privateDir = mkdtempSync(join(distDir, '.build-'));
    try {
      const result = await buildFirmware(undefined, privateDir);
      renameSync(result.firmwarePath, FIRMWARE_BUNDLE_PATH);
    } finally {
      rmSync(privateDir, { recursive: true, force: true });
    }
  }
  return readFileSync(FIRMWARE_BUNDLE_PATH, 'utf8');
}
