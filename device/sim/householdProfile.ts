/**
 * Household power over the day for simulated meters: net power at the grid connection, W, positive = drawn
 * from the grid. Built-in synthetic shapes (a consumer; a prosumer with rooftop PV), or hourly shapes from the
 * CityLearn 2022 buildings (`non_shiftable_load` and `solar_generation`, kWh per hour) when a data folder is given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Net power at a moment of simulated time. */
export type HouseholdProfile = (timeS: number) => number;

const SECONDS_PER_DAY = 86400;

function hourOfDay(timeS: number): number {
  return (((timeS % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY) / 3600;
}

/** Evening-peaked consumption, W, with a per-household scale and phase so neighbours differ. */
function consumptionW(hour: number, scale: number, shiftH: number): number {
  const h = hour - shiftH;
  const morning = Math.exp(-((h - 7.5) * (h - 7.5)) / 2);
  const evening = Math.exp(-((h - 19) * (h - 19)) / 5);
  return scale * (350 + 900 * morning + 1600 * evening);
}

/** Clear-sky PV output, W, peak at solar noon. */
function pvW(hour: number, peakW: number): number {
  if (hour <= 6 || hour >= 18) return 0;
  const s = Math.sin((Math.PI * (hour - 6)) / 12);
  return peakW * s * s;
}

/** Built-in profile of household `index`: even indexes are prosumers (PV), odd ones consumers. */
export function syntheticProfile(index: number): HouseholdProfile {
  const scale = 0.7 + ((index * 37) % 60) / 100;
  const shiftH = (((index * 13) % 7) - 3) / 4;
  const peakW = index % 2 === 0 ? 3000 + ((index * 53) % 30) * 100 : 0;
  return (timeS) => {
    const hour = hourOfDay(timeS);
    return consumptionW(hour, scale, shiftH) - pvW(hour, peakW);
  };
}

/**
 * Profile from `Building_{n}.csv` of CityLearn 2022 (one row per hour): the hourly load and PV in kWh are
 * average kW over the hour; linear interpolation between hours. Rows are addressed by hour of the year.
 */
export function cityLearnProfile(dataFolder: string, index: number): HouseholdProfile {
  const buildingCount = 17;
  const building = (index % buildingCount) + 1;
  let text: string;
  try {
    text = readFileSync(join(dataFolder, `Building_${building}.csv`), 'utf8');
  } catch {
    text = readFileSync(join(dataFolder, `Building_${(index % 9) + 1}.csv`), 'utf8');
  }
  const lines = text.trim().split('\n');
  const header = lines[0]!.split(',');
  const loadColumn = header.indexOf('non_shiftable_load');
  const pvColumn = header.indexOf('solar_generation');
  if (loadColumn < 0 || pvColumn < 0) throw new Error(`${dataFolder}: expected non_shiftable_load and solar_generation columns`);
  const netW = lines.slice(1).map((line) => {
    const cells = line.split(',');
    return (Number(cells[loadColumn]) - Number(cells[pvColumn])) * 1000;
  });
  return (timeS) => {
    const hours = timeS / 3600;
    const base = Math.floor(hours);
    const fraction = hours - base;
    const a = netW[base % netW.length]!;
    const b = netW[(base + 1) % netW.length]!;
    return a + (b - a) * fraction;
  };
}
