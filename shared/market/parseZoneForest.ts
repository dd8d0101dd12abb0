/**
 * The zone tree as configured (a JSON file, `PET_ZONE_TREE`): one root zone or an array of roots, each
 * `{ "id", "level", "feederLimitWh"?, "children"? }`. Checked once here so the market works on a valid forest:
 * ids unique and non-empty, levels house < feeder < substation with each child exactly one level below its
 * parent (settlement derives the grid fees a side paid from the levels it climbed, so a level may not be
 * skipped), at most 65 534 children per zone (on-chain zone ids give each level 16 bits), feeder limits positive
 * integers (Wh per interval).
 */
import { MarketError } from './marketError.ts';
import { maxOrderEnergyWh } from './order.ts';
import type { ZoneLevel, ZoneNode } from './zoneTree.ts';

/** Rank of each level, bottom up; a child's rank is its parent's minus one. */
export const zoneLevelRank: Readonly<Record<ZoneLevel, number>> = { house: 1, feeder: 2, substation: 3 };

const zoneFields = new Set(['id', 'level', 'feederLimitWh', 'children']);
const maxChildren = 65_534;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function parseZone(value: unknown, path: string, parentRank: number | undefined, seen: Set<string>): ZoneNode {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MarketError('wrong_type', `expected a zone object, got ${describe(value)}`, path);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!zoneFields.has(key)) throw new MarketError('unknown_field', `expected only ${[...zoneFields].join(', ')}, got "${key}"`, path);
  }
  const { id, level, feederLimitWh, children } = record;
  if (id === undefined) throw new MarketError('missing_field', 'expected a zone id, got nothing', `${path}.id`);
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) throw new MarketError('wrong_type', `expected a string of 1…128 characters, got ${describe(id)}`, `${path}.id`);
  if (seen.has(id)) throw new MarketError('duplicate_zone_id', `expected unique zone ids, got "${id}" twice`, `${path}.id`);
  seen.add(id);
  if (typeof level !== 'string' || !Object.hasOwn(zoneLevelRank, level)) {
    throw new MarketError('bad_zone_level', `expected ${Object.keys(zoneLevelRank).join(' | ')}, got ${describe(level)}`, `${path}.level`);
  }
  const rank = zoneLevelRank[level as ZoneLevel];
  if (parentRank !== undefined && rank !== parentRank - 1) {
    throw new MarketError('bad_zone_level', `expected the level one below its parent's, got "${level}"`, `${path}.level`);
  }
  const zone: { id: string; level: ZoneLevel; feederLimitWh?: number; children?: ZoneNode[] } = { id, level: level as ZoneLevel };
  if (feederLimitWh !== undefined) {
    if (typeof feederLimitWh !== 'number' || !Number.isInteger(feederLimitWh)) throw new MarketError('not_integer', `expected an integer (Wh per interval), got ${describe(feederLimitWh)}`, `${path}.feederLimitWh`);
    if (feederLimitWh < 1 || feederLimitWh > maxOrderEnergyWh) throw new MarketError('out_of_range', `expected 1…${maxOrderEnergyWh} Wh, got ${feederLimitWh}`, `${path}.feederLimitWh`);
    zone.feederLimitWh = feederLimitWh;
  }
  if (children !== undefined) {
    if (!Array.isArray(children)) throw new MarketError('not_array', `expected an array of zones, got ${describe(children)}`, `${path}.children`);
    if (children.length > maxChildren) throw new MarketError('out_of_range', `expected at most ${maxChildren} children, got ${children.length}`, `${path}.children`);
    zone.children = children.map((child, i) => parseZone(child, `${path}.children[${i}]`, rank, seen));
  }
  return zone;
}

/**
 * @param value the parsed JSON: a root zone or an array of roots
 * @example parseZoneForest({ id: 'substation-1', level: 'substation', children: [{ id: 'feeder-1', level: 'feeder' }] })
 */
export function parseZoneForest(value: unknown): ZoneNode[] {
  const roots = Array.isArray(value) ? value : [value];
  if (roots.length > maxChildren) throw new MarketError('out_of_range', `expected at most ${maxChildren} root zones, got ${roots.length}`, 'zones');
  const seen = new Set<string>();
  return roots.map((root, i) => parseZone(root, Array.isArray(value) ? `zones[${i}]` : 'zone', undefined, seen));
}
