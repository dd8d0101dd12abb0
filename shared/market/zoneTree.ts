/**
 * The grid as a tree of zones (house → feeder → substation). Orders are placed in a zone (usually a leaf);
 * each zone clears locally, then passes what is left up to its parent.
 */
import type { GridFeesMicroPerKWh } from '../config/tradingParameters.ts';
import { MarketError } from './marketError.ts';

/** A zone's place in the grid hierarchy; it selects the grid fee for entering the zone. */
export type ZoneLevel = keyof GridFeesMicroPerKWh;

/** One zone and its children. */
export interface ZoneNode {
  readonly id: string;
  readonly level: ZoneLevel;
  /** Capacity of the link to the parent zone in one interval, Wh; absent = unlimited. */
  readonly feederLimitWh?: number;
  readonly children?: readonly ZoneNode[];
}

/** Zones in post-order (children before parents, children in the given order), with ids checked unique. */
export function zonesInPostOrder(root: ZoneNode): Array<{ zone: ZoneNode; parent: ZoneNode | undefined }> {
  const out: Array<{ zone: ZoneNode; parent: ZoneNode | undefined }> = [];
  const seen = new Set<string>();
  const visit = (zone: ZoneNode, parent: ZoneNode | undefined) => {
    if (seen.has(zone.id)) throw new MarketError('duplicate_zone_id', `expected unique zone ids, got "${zone.id}" twice`);
    seen.add(zone.id);
    for (const child of zone.children ?? []) visit(child, zone);
    out.push({ zone, parent });
  };
  visit(root, undefined);
  return out;
}
