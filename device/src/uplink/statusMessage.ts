/**
 * The meter's `status` payload, exactly the object of docs/protocol.md §4:
 * `{"v":1,"state":"online"|"offline","seq":…,"queued":…,"dropped":…,"heldFromSeq":…,"uptimeS":…}` in this order
 * and nothing else. `heldFromSeq` tells the relay that every seq below it is gone from the meter's flash
 * (acknowledged, or dropped from a full queue), so it stops waiting for those. Health for operators, not part of
 * the hash chain. The Last Will is the offline form with the figures of the moment the meter connected,
 * published by the broker if the meter vanishes (MQTT-3.1.1 §3.1.2.5).
 */
import { integerText } from '../records/integerText.ts';

/** Figures reported on the status topic. */
export interface StatusFigures {
  isOnline: boolean;
  /** Highest seq created; 0 before the first record (the field is an unsigned integer). */
  seq: number;
  /** Records written to flash and not yet acknowledged. */
  queued: number;
  /** Records dropped unacknowledged from a full queue since provisioning. */
  dropped: number;
  /** Lowest seq still held in the flash queue: acknowledged point + 1 (head + 1 when empty, 0 before any record). */
  heldFromSeq: number;
  uptimeS: number;
}

/** The status JSON; every figure is written as an integer ≥ 0. */
export function statusJson(figures: StatusFigures): string {
  return (
    '{"v":1,"state":"' + (figures.isOnline ? 'online' : 'offline') + '"' +
    ',"seq":' + integerText(Math.max(0, Math.floor(figures.seq))) +
    ',"queued":' + integerText(Math.max(0, Math.floor(figures.queued))) +
    ',"dropped":' + integerText(Math.max(0, Math.floor(figures.dropped))) +
    ',"heldFromSeq":' + integerText(Math.max(0, Math.floor(figures.heldFromSeq))) +
    ',"uptimeS":' + integerText(Math.max(0, Math.floor(figures.uptimeS))) +
    '}'
  );
}
