/**
 * The meter's `status` topic payloads (docs/protocol.md §"Topics"): health for operators, not part of the
 * hash chain. The Last Will is the offline form, published by the broker if the meter vanishes (MQTT-3.1.1
 * §3.1.2.5).
 */
import { integerText } from '../records/integerText.ts';

/** Figures reported on the status topic. */
export interface StatusFigures {
  meter: string;
  timeS: number;
  nextSeq: number;
  acknowledgedSeq: number;
  pendingRecords: number;
  droppedRecords: number;
  sensor: string;
  freeMemory: number;
  problem: string | undefined;
}

export function onlineStatusJson(figures: StatusFigures): string {
  return (
    '{"v":1,"meter":"' + figures.meter + '","online":true' +
    ',"timeS":' + integerText(Math.floor(figures.timeS)) +
    ',"nextSeq":' + integerText(figures.nextSeq) +
    ',"acknowledgedSeq":' + integerText(figures.acknowledgedSeq) +
    ',"pendingRecords":' + integerText(figures.pendingRecords) +
    ',"droppedRecords":' + integerText(figures.droppedRecords) +
    ',"sensor":"' + figures.sensor + '"' +
    ',"freeMemory":' + integerText(figures.freeMemory) +
    (figures.problem === undefined ? '' : ',"problem":' + JSON.stringify(figures.problem)) +
    '}'
  );
}

export function offlineStatusJson(meter: string): string {
  return '{"v":1,"meter":"' + meter + '","online":false}';
}
