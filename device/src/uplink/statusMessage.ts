/**
 * The meter's `status` payload, exactly the object of docs/protocol.md §4:
 * `{"v":1,"state":"online"|"offline","seq":…,"queued":…,"dropped":…,"uptimeS":…}` and nothing else (the relay
 * refuses any other field). Health for operators, not part of the hash chain. The Last Will is the offline form
 * with the figures of the moment the meter connected, published by the broker if the meter vanishes
 * (MQTT-3.1.1 §3.1.2.5).
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
  uptimeS: number;
}

/** The status JSON; every figure is written as an integer ≥ 0. */
export function statusJson(figures: StatusFigures): string {
  return (
    '{"v":1,"state":"' + (figures.isOnline ? 'online' : 'offline') + '"' +
    ',"seq":' + integerText(Math.max(0, Math.floor(figures.seq))) +
    ',"queued":' + integerText(Math.max(0, Math.floor(figures.queued))) +
    ',"dropped":' + integerText(Math.max(0, Math.floor(figures.dropped))) +
    ',"uptimeS":' + integerText(Math.max(0, Math.floor(figures.uptimeS))) +
    '}'
  );
}
