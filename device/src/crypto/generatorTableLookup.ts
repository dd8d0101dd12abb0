import { LIMB_COUNT } from './limbLayout.ts';
import { GENERATOR_TABLE_BASE64 } from './generatorTable.ts';
import { TABLE_POINT_CHARS } from './generatorTableLayout.ts';

/**
 * Decodes table point `index` (layout in `generatorTableLayout.ts`) into affine limbs. `atob` is native on
 * Espruino and global on Node ≥ 16; decoding on demand keeps only one point in RAM, not the whole table.
 */
export function readGeneratorTablePoint(index: number, x: Int32Array, y: Int32Array): void {
  const start = index * TABLE_POINT_CHARS;
  const raw = atob(GENERATOR_TABLE_BASE64.substring(start, start + TABLE_POINT_CHARS));
  for (let i = 0; i < LIMB_COUNT; i++) {
    const q = i * 3;
    x[i] = (raw.charCodeAt(q) << 16) | (raw.charCodeAt(q + 1) << 8) | raw.charCodeAt(q + 2);
    const r = q + 33;
    y[i] = (raw.charCodeAt(r) << 16) | (raw.charCodeAt(r + 1) << 8) | raw.charCodeAt(r + 2);
  }
}
