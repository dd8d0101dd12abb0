/**
 * Clearing over the zone tree, as gsy-e does: match locally first, pass the rest up with a grid fee per level.
 * In post-order, each zone clears its own orders plus what its children passed up. An order entering a zone of
 * level L from a child pays L's grid fee f per kWh if it trades there or higher: a seller's effective limit rises
 * by f (it must still net its own limit after the fee), a buyer's falls by f (it must pay price + fee ≤ its limit).
 * Fees accumulate level by level, so each side pays for the links its energy crosses. Before passing up, each
 * side of the remainder is capped by the zone's feeder limit (`curtailToFeederLimit`).
 */
import type { GridFeesMicroPerKWh } from '../config/tradingParameters.ts';
import type { ClearingPriceRule } from './clearingPriceRule.ts';
import { clearZone, type ZoneClearing } from './clearZone.ts';
import { curtailToFeederLimit, schedulableWh } from './curtailToFeederLimit.ts';
import { MarketError } from './marketError.ts';
import { bookEntryOf, type BookEntry, type Order } from './order.ts';
import type { Trade } from './trade.ts';
import { zonesInPostOrder, type ZoneNode } from './zoneTree.ts';

/** The parameters the tree clearing needs (a subset of `TradingParameters` plus the rule). */
export interface ClearZoneTreeOptions {
  readonly rule: ClearingPriceRule;
  readonly minimumTradeThresholdWh: number;
  readonly maximumLocalGridDeviationBps: number;
  readonly gridFeeMicroPerKWh: GridFeesMicroPerKWh;
}

/** The outcome over the whole tree. */
export interface ZoneTreeClearing {
  /** Each zone's auction, children before parents. */
  readonly zones: readonly ZoneClearing[];
  /** All trades, in the order of `zones`. */
  readonly trades: readonly Trade[];
  /** Remainders at the root: they fall back to the utility. */
  readonly unmatchedAtRoot: readonly BookEntry[];
  /** Parts of orders a feeder limit kept from going up, per zone: they fall back to the utility too. */
  readonly curtailed: ReadonlyArray<{ readonly zoneId: string; readonly entries: readonly BookEntry[] }>;
}

function climb(entry: BookEntry, feeMicroPerKWh: number): BookEntry {
  if (feeMicroPerKWh === 0) return entry;
  const isSell = entry.order.side === 'sell';
  return {
    ...entry,
    limitMicroPerKWh: entry.limitMicroPerKWh + (isSell ? feeMicroPerKWh : -feeMicroPerKWh),
    feeMicroPerKWh: entry.feeMicroPerKWh + feeMicroPerKWh,
  };
}

/**
 * @param ordersByZone orders placed in each zone, by zone id; an id not in the tree is refused
 *
 * @example
 * clearZoneTree(substation, new Map([['house-1', orders1], ['house-2', orders2]]), { rule: 'default', ...params })
 */
export function clearZoneTree(
  root: ZoneNode,
  ordersByZone: ReadonlyMap<string, readonly Order[]>,
  options: ClearZoneTreeOptions,
): ZoneTreeClearing {
  const zonesWithParents = zonesInPostOrder(root);
  const known = new Set(zonesWithParents.map(({ zone }) => zone.id));
  for (const zoneId of ordersByZone.keys()) {
    if (!known.has(zoneId)) throw new MarketError('unknown_zone', `expected a zone of the tree, got "${zoneId}"`);
  }
  const passedUp = new Map<string, BookEntry[]>();
  const zones: ZoneClearing[] = [];
  const trades: Trade[] = [];
  const curtailed: Array<{ zoneId: string; entries: readonly BookEntry[] }> = [];
  let unmatchedAtRoot: readonly BookEntry[] = [];
  for (const { zone, parent } of zonesWithParents) {
    const entries: BookEntry[] = (ordersByZone.get(zone.id) ?? []).map(bookEntryOf);
    for (const entry of passedUp.get(zone.id) ?? []) entries.push(entry);
    const result = clearZone(entries, { zoneId: zone.id, rule: options.rule, minimumTradeThresholdWh: options.minimumTradeThresholdWh });
    zones.push(result);
    for (const trade of result.trades) trades.push(trade);
    if (parent === undefined) {
      unmatchedAtRoot = result.remainders;
      continue;
    }
    let remainders = result.remainders;
    if (zone.feederLimitWh !== undefined) {
      const cap = schedulableWh(zone.feederLimitWh, options.maximumLocalGridDeviationBps);
      const curtailment = curtailToFeederLimit(remainders, cap, options.minimumTradeThresholdWh);
      remainders = curtailment.passed;
      if (curtailment.curtailed.length > 0) curtailed.push({ zoneId: zone.id, entries: curtailment.curtailed });
    }
    const fee = options.gridFeeMicroPerKWh[parent.level];
    const list = passedUp.get(parent.id) ?? [];
    for (const entry of remainders) list.push(climb(entry, fee));
    passedUp.set(parent.id, list);
  }
  return { zones, trades, unmatchedAtRoot, curtailed };
}
