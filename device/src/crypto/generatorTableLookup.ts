import { LIMB_COUNT } from './limbLayout.ts';
import { TABLE_POINT_BYTES } from './generatorTableLayout.ts';
import { generatorTableBinary } from './generatorTableSource.ts';

/** Decodes table point `index` (layout in `generatorTableLayout.ts`) into affine limbs. */
export function readGeneratorTablePoint(index: number, x: Int32Array, y: Int32Array): void {
  const raw = generatorTableBinary();
  const start = index * TABLE_POINT_BYTES;
  for (let i = 0; i < LIMB_COUNT; i++) {
    const q = start + i * 3;
    x[i] = (raw.charCodeAt(q) << 16) | (raw.charCodeAt(q + 1) << 8) | raw.charCodeAt(q + 2);
    const r = q + 33;
    y[i] = (raw.charCodeAt(r) << 16) | (raw.charCodeAt(r + 1) << 8) | raw.charCodeAt(r + 2);
  }
}
