/**
 * The exact firmware bundle the simulator runs: `device/dist/firmware.js`, built by the device build
 * (device/build/build.ts) when it is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the bundle the board would receive (before EspruinoTools minifies it). */
export const FIRMWARE_BUNDLE_PATH = fileURLToPath(new URL('../dist/firmware.js', import.meta.url));

/**
 * Reads `device/dist/firmware.js`, building it first if it is missing. With `freshBuildDir`, runs the whole
 * device build into that folder instead and reads the result there (tests use this, so they run what the
 * sources build to today and never race another process writing `device/dist`).
 */
export async function loadFirmwareBundle(freshBuildDir?: string): Promise<string> {
  if (freshBuildDir !== undefined) {
    const { buildFirmware } = await import('../build/build.ts');
    const result = await buildFirmware(undefined, freshBuildDir);
    return readFileSync(result.firmwarePath, 'utf8');
  }
  if (!existsSync(FIRMWARE_BUNDLE_PATH)) {
    const { buildFirmware } = await import('../build/build.ts');
    await buildFirmware();
  }
  return readFileSync(FIRMWARE_BUNDLE_PATH, 'utf8');
}
