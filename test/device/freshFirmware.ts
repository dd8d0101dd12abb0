/**
 * The firmware as the sources build today, built once per test process into a temporary folder (never racing
 * another process writing device/dist) and shared by every device test file that runs in that process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirmwareBundle } from '../../device/sim/firmwareBundle.ts';

let building: Promise<string> | undefined;

export function freshFirmwareCode(): Promise<string> {
  building ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pet-firmware-'));
    try {
      return await loadFirmwareBundle(join(dir, 'dist'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return building;
}
