/**
 * Reads the CityLearn 2022 household files (format: `../shared/data/citylearn-2022/README.md`): per building
 * the hourly `non_shiftable_load` (kWh) and `solar_generation` (Wh per kWp), plus the community's retail price
 * (`pricing.csv`, USD/kWh) and grid carbon intensity (`carbon_intensity.csv`, kg CO2e/kWh). Values are turned
 * into integers once, here: Wh, micro-USD per kWh (the settlement token is taken as a 6-decimal USD
 * stablecoin), mg CO2e per kWh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One building's hourly series. */
export interface BuildingSeries {
  readonly name: string;
  /** Consumption per hour, Wh. */
  readonly loadWh: Int32Array;
  /** PV output per hour per installed kWp, Wh/kWp (×kWp gives Wh). */
  readonly solarWhPerKWp: Float64Array;
}

/** The community's hourly data. */
export interface CityLearnData {
  readonly hours: number;
  /** Local hour of day of each row, 0…23 (CityLearn's `hour` 1…24 is the hour ending then). */
  readonly hourOfDay: Uint8Array;
  readonly retailMicroPerKWh: Int32Array;
  readonly carbonMgPerKWh: Int32Array;
  readonly buildings: ReadonlyMap<string, BuildingSeries>;
}

/** A data file that is missing or malformed, with the file and row. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(readonly code: 'missing_file' | 'bad_header' | 'bad_value' | 'length_mismatch', message: string) {
    super(message);
  }
}

function readTable(path: string, columns: readonly string[]): { rows: number; values: Map<string, Float64Array> } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DataError('missing_file', `expected a readable file ${path}, got none`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  const header = (lines[0] ?? '').split(',');
  const indexes = columns.map((column) => {
    const index = header.indexOf(column);
    if (index < 0) throw new DataError('bad_header', `${path}: expected a "${column}" column, got ${header.join(',')}`);
    return index;
  });
  const rows = lines.length - 1;
  const values = new Map(columns.map((column) => [column, new Float64Array(rows)]));
  for (let r = 0; r < rows; r += 1) {
    const cells = (lines[r + 1] as string).split(',');
    columns.forEach((column, c) => {
      const value = Number(cells[indexes[c] as number]);
      if (!Number.isFinite(value)) throw new DataError('bad_value', `${path} row ${r + 2}: expected a number in "${column}", got "${cells[indexes[c] as number]}"`);
      (values.get(column) as Float64Array)[r] = value;
    });
  }
  return { rows, values };
}

/**
 * Loads the named buildings (e.g. "Building_1") from a CityLearn folder.
 *
 * @example loadCityLearn('../shared/data/citylearn-2022', ['Building_1', 'Building_2'])
 */
export function loadCityLearn(dir: string, buildingNames: readonly string[]): CityLearnData {
  const pricing = readTable(join(dir, 'pricing.csv'), ['electricity_pricing']);
  const carbon = readTable(join(dir, 'carbon_intensity.csv'), ['carbon_intensity']);
  const hours = pricing.rows;
  if (carbon.rows !== hours) throw new DataError('length_mismatch', `carbon_intensity.csv: expected ${hours} rows like pricing.csv, got ${carbon.rows}`);
  const retailMicroPerKWh = Int32Array.from(pricing.values.get('electricity_pricing') as Float64Array, (usd) => Math.round(usd * 1_000_000));
  const carbonMgPerKWh = Int32Array.from(carbon.values.get('carbon_intensity') as Float64Array, (kg) => Math.round(kg * 1_000_000));
  let hourOfDay: Uint8Array | undefined;
  const buildings = new Map<string, BuildingSeries>();
  for (const name of buildingNames) {
    const table = readTable(join(dir, `${name}.csv`), ['hour', 'non_shiftable_load', 'solar_generation']);
    if (table.rows !== hours) throw new DataError('length_mismatch', `${name}.csv: expected ${hours} rows like pricing.csv, got ${table.rows}`);
    hourOfDay ??= Uint8Array.from(table.values.get('hour') as Float64Array, (hour) => (hour + 23) % 24);
    buildings.set(name, {
      name,
      loadWh: Int32Array.from(table.values.get('non_shiftable_load') as Float64Array, (kWh) => Math.round(kWh * 1000)),
      solarWhPerKWp: Float64Array.from(table.values.get('solar_generation') as Float64Array),
    });
  }
  return { hours, hourOfDay: hourOfDay ?? new Uint8Array(hours), retailMicroPerKWh, carbonMgPerKWh, buildings };
}
