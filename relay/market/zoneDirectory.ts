/**
 * The relay's view of the grid's zones: the configured zone forest (`PET_ZONE_TREE`, `shared/market/parseZoneForest`)
 * plus every other zone a meter names, each of those a tree of its own (cleared flat, as a lone zone). It gives each
 * zone its tree, its level rank and its on-chain id — a path id (`contracts/deploy/zoneId.ts` `childZoneId`) for a
 * configured zone, so the contract accepts a descendant zone's meters in its batches, and the hash of the name for
 * any other. Meters must be registered on-chain under these ids, and signed orders must name them.
 */
import { childZoneId, zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { zoneLevelRank } from '../../shared/market/parseZoneForest.ts';
import type { ZoneNode } from '../../shared/market/zoneTree.ts';

export interface ZoneDirectory {
  /** The configured roots. */
  readonly forest: readonly ZoneNode[];
  /** The root of the tree `zone` belongs to; a zone outside the forest is a root of its own. */
  rootOf(zone: string): ZoneNode;
  /** Every zone of the tree rooted at `root`, parents before children. */
  zonesUnder(root: ZoneNode): string[];
  /** Level rank (house 1, feeder 2, substation 3) of a configured zone; 0 for a lone zone. */
  rankOf(zone: string): number;
  /** The on-chain `uint64` zone id. */
  chainZoneOf(zone: string): bigint;
}

/** @example const zones = createZoneDirectory(config.zoneForest); zones.chainZoneOf('feeder-1') */
export function createZoneDirectory(forest: readonly ZoneNode[]): ZoneDirectory {
  const rootByZone = new Map<string, ZoneNode>();
  const chainIdByZone = new Map<string, bigint>();
  const rankByZone = new Map<string, number>();
  const visit = (zone: ZoneNode, root: ZoneNode, parentId: bigint, index: number) => {
    const rank = zoneLevelRank[zone.level];
    const id = childZoneId(parentId, rank, index);
    rootByZone.set(zone.id, root);
    chainIdByZone.set(zone.id, id);
    rankByZone.set(zone.id, rank);
    (zone.children ?? []).forEach((child, i) => visit(child, root, id, i));
  };
  forest.forEach((root, i) => visit(root, root, 0n, i));
  const lone = new Map<string, ZoneNode>();
  return {
    forest,
    rootOf(zone) {
      const root = rootByZone.get(zone);
      if (root !== undefined) return root;
      let node = lone.get(zone);
      if (node === undefined) lone.set(zone, (node = { id: zone, level: 'feeder' }));
      return node;
    },
    zonesUnder(root) {
      const out: string[] = [];
      const walk = (zone: ZoneNode) => {
        out.push(zone.id);
        for (const child of zone.children ?? []) walk(child);
      };
      walk(root);
      return out;
    },
    rankOf: (zone) => rankByZone.get(zone) ?? 0,
    chainZoneOf: (zone) => chainIdByZone.get(zone) ?? zoneIdFromName(zone),
  };
}
