import { embeddedGeneratorTableBase64 } from './generatorTable.ts';
import { GENERATOR_TABLE_STORAGE_FILE } from './generatorTableLayout.ts';

let table: string | null = null;

/** Espruino's Storage file of the table, mapped from flash; undefined where there is none (Node, no file). */
function readStorageTable(): string | undefined {
  try {
    const stored = require('Storage').read(GENERATOR_TABLE_STORAGE_FILE);
    return typeof stored === 'string' && stored.length > 0 ? stored : undefined;
  } catch (error) {
    return undefined;
  }
}

/**
 * The generator table as a binary string (layout in `generatorTableLayout.ts`): the meter's Storage file if
 * present (no RAM), else the embedded copy decoded once. Read once, then kept.
 */
export function generatorTableBinary(): string {
  if (table === null) {
    const stored = readStorageTable();
    table = stored !== undefined ? stored : atob(embeddedGeneratorTableBase64());
  }
  return table;
}
