/**
 * From finished measurement windows to chained records in the flash queue. Each window becomes a sample; the
 * first sample at or past an interval boundary is followed by a seal that commits to the chain head (its `prev`)
 * and to the interval's start and end registers. Records are written to flash together with the checkpoint
 * they were built from *before* anything is published (write-ahead), so a reboot resumes exactly after the last
 * record written: no seq reused, no Wh counted twice.
 */
import type { SampleRecord, UnsignedSealRecord } from '../../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../../shared/protocol/recordTypes.ts';
import type { EnergyRegisters } from '../measure/energyRegisters.ts';
import type { WindowSummary } from '../measure/windowIntegrator.ts';
import type { Sha256Function as Sha256 } from '../crypto/sha256Function.ts';
import type { StorageRing } from '../queue/storageRing.ts';
import type { Checkpoint } from './checkpoint.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import type { ChainHead } from './hashChain.ts';
import { advanceChain, sampleDigest, sealDigest } from './hashChain.ts';
import { sampleJson, unsignedSealJson } from './recordJson.ts';

/** Room for the checkpoint to grow between sizing a line and writing it (a dropped count gaining digits). */
const CHECKPOINT_SLACK_BYTES = 16;
/** Largest `sampleCount` a seal can carry (uint16). */
const MAX_SAMPLE_COUNT = 0xffff;

/** The meter's state as restored from flash at boot. */
export interface RestoredState {
  head: ChainHead;
  registers: EnergyRegisters;
  checkpoint: Checkpoint;
}

/** Reads the newest queued record and its checkpoint; a fresh meter starts at seq 0 with zero registers. */
export function restoreState(ring: StorageRing, sha256: Sha256): RestoredState {
  const last = ring.lastEntry();
  const checkpoint = last === undefined ? undefined : decodeCheckpoint(last.checkpoint);
  if (last === undefined || checkpoint === undefined) {
    return {
      head: { nextSeq: 0, prevHex: ZERO_DIGEST_HEX },
      registers: { importWh: 0, exportWh: 0, importRemainderMj: 0, exportRemainderMj: 0 },
      checkpoint: { importRemainderMj: 0, exportRemainderMj: 0, intervalStartS: 0, intervalImportStartWh: 0, intervalExportStartWh: 0, samplesInInterval: 0, droppedRecords: 0 },
    };
  }
  const record = JSON.parse(last.json);
  const head: ChainHead = { nextSeq: record.seq, prevHex: record.prev };
  const isSeal = record.kind === 'seal';
  advanceChain(head, isSeal ? sealDigest(sha256, record) : sampleDigest(sha256, record));
  return {
    head,
    registers: {
      importWh: isSeal ? record.importEndWh : record.importWh,
      exportWh: isSeal ? record.exportEndWh : record.exportWh,
      importRemainderMj: checkpoint.importRemainderMj,
      exportRemainderMj: checkpoint.exportRemainderMj,
    },
    checkpoint,
  };
}

export interface RecordLogOptions {
  address: string;
  sha256: Sha256;
  ring: StorageRing;
  intervalSeconds: number;
  restored: RestoredState;
  /** Called after each record is safely in flash. */
  onRecordWritten(kind: string, seq: number): void;
}

export interface RecordLog {
  /** Builds the sample (and the seal when an interval closed) for a finished window and writes it to flash. */
  addWindow(summary: WindowSummary): void;
  head(): ChainHead;
  droppedRecords(): number;
}

export function createRecordLog(options: RecordLogOptions): RecordLog {
  const head = options.restored.head;
  const state = options.restored.checkpoint;
  const droppedBeforeOpen = state.droppedRecords;
  const ring = options.ring;

  function checkpointFor(summary: WindowSummary): string {
    state.importRemainderMj = summary.importRemainderMj;
    state.exportRemainderMj = summary.exportRemainderMj;
    state.droppedRecords = droppedBeforeOpen + ring.droppedSinceOpen();
    return encodeCheckpoint(state);
  }

  /**
   * Appends a record with its checkpoint. Room is made first, so records the ring drops to make room are
   * already counted in this record's checkpoint — the count a reboot restores.
   */
  function appendRecord(seq: number, summary: WindowSummary, json: string): void {
    ring.makeRoom(String(seq).length + checkpointFor(summary).length + json.length + 3 + CHECKPOINT_SLACK_BYTES);
    ring.append({ seq, checkpoint: checkpointFor(summary), json });
  }

  function writeSample(summary: WindowSummary): void {
    const sample: SampleRecord = {
      v: 1,
      kind: 'sample',
      meter: options.address,
      seq: head.nextSeq,
      prev: head.prevHex,
      timeS: summary.endS,
      importWh: summary.importWh,
      exportWh: summary.exportWh,
      powerW: summary.meanPowerW,
      voltageDv: summary.voltageDv,
      currentMa: summary.currentMa,
      powerFactorPermille: summary.powerFactorPermille,
    };
    if (state.intervalStartS === 0) {
      // The first sample this meter ever made opens its first (partial) interval.
      state.intervalStartS = summary.endS;
      state.intervalImportStartWh = summary.importWh;
      state.intervalExportStartWh = summary.exportWh;
      state.samplesInInterval = 0;
    } else if (state.samplesInInterval < MAX_SAMPLE_COUNT) {
      state.samplesInInterval++;
    }
    appendRecord(sample.seq, summary, sampleJson(sample));
    advanceChain(head, sampleDigest(options.sha256, sample));
    options.onRecordWritten('sample', sample.seq);
  }

  function writeSeal(summary: WindowSummary): void {
    const seal: UnsignedSealRecord = {
      v: 1,
      kind: 'seal',
      meter: options.address,
      seq: head.nextSeq,
      prev: head.prevHex,
      startS: state.intervalStartS,
      endS: summary.endS,
      importStartWh: state.intervalImportStartWh,
      importEndWh: summary.importWh,
      exportStartWh: state.intervalExportStartWh,
      exportEndWh: summary.exportWh,
      sampleCount: state.samplesInInterval,
    };
    state.intervalStartS = summary.endS;
    state.intervalImportStartWh = summary.importWh;
    state.intervalExportStartWh = summary.exportWh;
    state.samplesInInterval = 0;
    appendRecord(seal.seq, summary, unsignedSealJson(seal));
    advanceChain(head, sealDigest(options.sha256, seal));
    options.onRecordWritten('seal', seal.seq);
  }

  return {
    addWindow(summary: WindowSummary): void {
      writeSample(summary);
      const interval = options.intervalSeconds;
      const nextBoundaryS = (Math.floor(state.intervalStartS / interval) + 1) * interval;
      if (summary.endS >= nextBoundaryS && summary.endS > state.intervalStartS) writeSeal(summary);
    },
    head: () => head,
    droppedRecords: () => droppedBeforeOpen + ring.droppedSinceOpen(),
  };
}
