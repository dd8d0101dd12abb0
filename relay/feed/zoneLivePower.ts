import type { StoredRecord } from '../events/relayEventBus.ts';
import type { ZoneAggregateData } from './feedMessage.ts';

interface LatestPower {
  powerW: number;
  timeS: number;
}

/**
 * Live power per zone from the stream of stored samples: keeps each meter's latest `powerW` and sums a zone's
 * meters that reported within `staleAfterS` of the zone's newest sample. Seals carry no power and are ignored.
 * Pure state, no timers: `feedHub.ts` decides when to send.
 */
export class ZoneLivePower {
  readonly #zones = new Map<string, Map<string, LatestPower>>();
  readonly #staleAfterS: number;

  constructor(options: { staleAfterS: number }) {
    this.#staleAfterS = options.staleAfterS;
  }

  /** Takes a committed batch; returns the zones whose figures may have changed. */
  apply(records: readonly StoredRecord[]): Set<string> {
    const changed = new Set<string>();
    for (const { record, zone } of records) {
      if (record.kind !== 'sample') continue;
      let meters = this.#zones.get(zone);
      if (meters === undefined) {
        meters = new Map();
        this.#zones.set(zone, meters);
      }
      const latest = meters.get(record.meter);
      // Records may arrive out of order (a meter flushing its backlog): keep the newest measurement.
      if (latest !== undefined && latest.timeS > record.timeS) continue;
      // A meter that moved zones leaves its old one.
      for (const [otherZone, otherMeters] of this.#zones) {
        if (otherZone !== zone && otherMeters.delete(record.meter)) changed.add(otherZone);
      }
      meters.set(record.meter, { powerW: record.powerW, timeS: record.timeS });
      changed.add(zone);
    }
    return changed;
  }

  /** The zone's current sums, or undefined when nothing was heard from it. Privacy is the caller's decision. */
  aggregate(zone: string): ZoneAggregateData | undefined {
    const meters = this.#zones.get(zone);
    if (meters === undefined || meters.size === 0) return undefined;
    let newestS = 0;
    for (const { timeS } of meters.values()) newestS = Math.max(newestS, timeS);
    let productionW = 0;
    let consumptionW = 0;
    let meterCount = 0;
    for (const [meter, { powerW, timeS }] of meters) {
      if (newestS - timeS > this.#staleAfterS) {
        meters.delete(meter);
        continue;
      }
      // Protocol v1: powerW is positive while importing, negative while exporting.
      if (powerW < 0) productionW -= powerW;
      else consumptionW += powerW;
      meterCount += 1;
    }
    return { zone, productionW, consumptionW, netFlowW: consumptionW - productionW, meterCount, timeS: newestS };
  }
}
