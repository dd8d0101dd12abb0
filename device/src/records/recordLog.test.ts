/**
 * The flash queue as write-ahead log, driven the way main.ts drives it (power readings → windows → records →
 * ring): hours offline lose nothing, a full ring drops its oldest records and counts them (and the count
 * survives a reboot), and a reboot resumes without reusing or skipping a seq and without losing or repeating
 * energy beyond the one reading that was in no record yet. Storage is the simulator's flash-rules folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../../shared/protocol/recordTypes.ts';
import { openStorageFolder, type StorageFolder } from '../../sim/storageFolder.ts';
import { energyMillijoules } from '../measure/energyRegisters.ts';
import type { PowerReading } from '../measure/powerCalculation.ts';
import { integrateReading, newWindowState, type WindowState } from '../measure/windowIntegrator.ts';
import { openStorageRing, type QueueEntry, type StorageRing } from '../queue/storageRing.ts';
import { statusJson } from '../uplink/statusMessage.ts';
import { createRecordLog, restoreState, type RecordLog } from './recordLog.ts';

const ADDRESS = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';
const START_S = 1767225600; // 2026-01-01T00:00:00Z
const MILLIJOULES_PER_WH = 3600000;

interface BootedMeter {
  ring: StorageRing;
  log: RecordLog;
  window: WindowState;
  /** Feeds one reading of `powerW` measured at `timeS` (a burst a second, as on the board). */
  read(timeS: number, powerW: number): void;
}

/** What main.ts does at boot, minus the radio: open the ring, restore, continue the chain and the registers. */
function boot(storage: StorageFolder, ringSize: { chunkBytes: number; maxChunks: number }, sampleSeconds: number, intervalSeconds: number): BootedMeter {
  const ring = openStorageRing(storage, { prefix: 'pq', chunkBytes: ringSize.chunkBytes, maxChunks: ringSize.maxChunks });
  const restored = restoreState(ring, sha256);
  const log = createRecordLog({ address: ADDRESS, sha256, ring, intervalSeconds, restored, onRecordWritten() {} });
  const window = newWindowState(restored.registers, sampleSeconds, sampleSeconds + 3);
  return {
    ring,
    log,
    window,
    read(timeS, powerW) {
      const reading: PowerReading = { voltageRmsV: 230, currentRmsA: Math.abs(powerW) / 230, realPowerW: powerW, apparentPowerVa: Math.abs(powerW), powerFactor: 1, cycleCount: 50 };
      integrateReading(window, reading, timeS, log.addWindow);
    },
  };
}

/** A household's power at second `t`: imports by day, exports around noon, never a round number. */
function powerAt(t: number): number {
  return Math.round(1800 * Math.sin(t / 3000) - 300 + 150 * Math.sin(t / 7));
}

function allEntries(ring: StorageRing): QueueEntry[] {
  return ring.entriesAfter(-1, 1e9);
}

/** Every seq from the first to the last, each `prev` the digest of the record before. */
function chainProblems(records: MeterRecord[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < records.length; i++) {
    if (records[i]!.seq !== records[i - 1]!.seq + 1) problems.push(`seq ${records[i - 1]!.seq} followed by ${records[i]!.seq}`);
    if (records[i]!.prev !== recordDigestHex(records[i - 1]!)) problems.push(`seq ${records[i]!.seq}: prev is not the digest of seq ${records[i - 1]!.seq}`);
  }
  return problems;
}

const parse = (entry: QueueEntry) => JSON.parse(entry.json) as MeterRecord;

function withStorage(run: (storage: StorageFolder, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'pet-log-'));
  try {
    run(openStorageFolder(dir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('three hours offline with the default ring (150 × 4 000 B): every record kept, chain intact from seq 0', () => {
  withStorage((storage) => {
    const meter = boot(storage, { chunkBytes: 4000, maxChunks: 150 }, 10, 900);
    for (let t = 1; t <= 3 * 3600; t++) meter.read(START_S + t, powerAt(t));
    const records = allEntries(meter.ring).map(parse);
    assert.is(meter.log.droppedRecords(), 0);
    assert.is(records[0]!.seq, 0);
    assert.is(records[0]!.prev, ZERO_DIGEST_HEX);
    assert.is(records.length, meter.log.head().nextSeq);
    assert.is(records.filter((record) => record.kind === 'seal').length, 12, 'a seal every 15 minutes');
    assert.ok(records.length >= 3 * 360, `${records.length} records`);
    assert.equal(chainProblems(records), []);
    assert.is(meter.ring.pendingCount(), records.length);
  });
});

test('a full ring drops the oldest records first, counts them, reports them on status, and remembers the count after a reboot', () => {
  withStorage((storage) => {
    const size = { chunkBytes: 1500, maxChunks: 4 };
    const meter = boot(storage, size, 1, 20);
    for (let t = 1; t <= 200; t++) meter.read(START_S + t, powerAt(t));
    const kept = allEntries(meter.ring).map(parse);
    const written = meter.log.head().nextSeq;
    const dropped = meter.log.droppedRecords();
    assert.ok(dropped > 0, 'the ring overflowed');
    // Oldest first: what is left is the newest run of records, contiguous up to the last one written.
    assert.is(kept[0]!.seq, dropped);
    assert.is(kept[kept.length - 1]!.seq, written - 1);
    assert.is(kept.length + dropped, written);
    assert.equal(chainProblems(kept), []);
    const status = JSON.parse(statusJson({ isOnline: true, seq: written - 1, queued: meter.ring.pendingCount(), dropped, heldFromSeq: meter.ring.acknowledgedSeq() + 1, uptimeS: 200 }));
    // heldFromSeq: everything below the oldest kept record is gone from the meter.
    assert.equal(status, { v: 1, state: 'online', seq: written - 1, queued: kept.length, dropped, heldFromSeq: dropped, uptimeS: 200 });

    const rebooted = boot(storage, size, 1, 20);
    assert.is(rebooted.log.droppedRecords(), dropped, 'the dropped count is in the checkpoint');
    for (let t = 202; t <= 400; t++) rebooted.read(START_S + t, powerAt(t));
    const droppedAfter = rebooted.log.droppedRecords();
    assert.ok(droppedAfter > dropped);
    assert.is(allEntries(rebooted.ring)[0]!.seq, droppedAfter, 'everything before the oldest kept record was counted');
  });
});

test('acknowledged records leave flash; unacknowledged ones are never dropped while there is room', () => {
  withStorage((storage) => {
    const meter = boot(storage, { chunkBytes: 1500, maxChunks: 4 }, 1, 20);
    for (let t = 1; t <= 2000; t++) {
      meter.read(START_S + t, powerAt(t));
      if (t % 10 === 0) meter.ring.acknowledgeUpTo(meter.log.head().nextSeq - 1);
    }
    assert.is(meter.log.droppedRecords(), 0);
    assert.ok(meter.ring.chunkCount() <= 2, `${meter.ring.chunkCount()} chunks in use`);
  });
});

test('a reboot mid-stream resumes at the next seq, continues the chain and the registers: energy is neither lost nor counted twice', () => {
  // Meter A runs without a break; meter B loses power right after the record of second 600 was written and
  // boots again one second later. B's records must be A's records, except that the energy of the one reading
  // B never made (second 601, while it was off) is missing from every register after it — exactly that much.
  const size = { chunkBytes: 4000, maxChunks: 150 };
  let continuous: MeterRecord[] = [];
  withStorage((storage) => {
    const meter = boot(storage, size, 10, 300);
    for (let t = 1; t <= 1200; t++) meter.read(START_S + t, powerAt(t));
    continuous = allEntries(meter.ring).map(parse);
  });
  withStorage((storage) => {
    let meter = boot(storage, size, 10, 300);
    for (let t = 1; t <= 600; t++) meter.read(START_S + t, powerAt(t));
    const lastBefore = meter.log.head().nextSeq - 1;
    meter = boot(storage, size, 10, 300);
    assert.is(meter.log.head().nextSeq, lastBefore + 1, 'resumes at the next seq');
    for (let t = 601; t <= 1200; t++) meter.read(START_S + t, powerAt(t));
    const records = allEntries(meter.ring).map(parse);
    assert.equal(chainProblems(records), []);
    assert.is(records[0]!.seq, 0);
    const seqs = records.map((record) => record.seq);
    assert.equal(seqs, [...new Set(seqs)], 'no seq used twice');
    // Up to the cut, identical to the continuous meter.
    for (let i = 0; i <= lastBefore; i++) assert.is(JSON.stringify(records[i]), JSON.stringify(continuous[i]));
    const lostMj = energyMillijoules(powerAt(601), 1000);
    const totalMj = (record: MeterRecord) =>
      record.kind === 'sample' ? (record.importWh - record.exportWh) * MILLIJOULES_PER_WH : (record.importEndWh - record.exportEndWh) * MILLIJOULES_PER_WH;
    const last = records[records.length - 1]!;
    const lastContinuous = continuous[continuous.length - 1]!;
    assert.is(last.seq, lastContinuous.seq, 'the same number of records: no window skipped or repeated');
    // Registers are whole Wh: the difference is the lost reading's energy, give or take the remainder (< 1 Wh each side).
    const differenceMj = totalMj(lastContinuous) - totalMj(last);
    assert.ok(Math.abs(differenceMj - lostMj) < MILLIJOULES_PER_WH, `difference ${differenceMj} mJ, lost reading ${lostMj} mJ`);
    // Seals continue each other's registers across the reboot.
    const seals = records.filter((record) => record.kind === 'seal');
    for (let i = 1; i < seals.length; i++) {
      const [previous, seal] = [seals[i - 1]!, seals[i]!];
      if (previous.kind !== 'seal' || seal.kind !== 'seal') continue;
      assert.is(seal.importStartWh, previous.importEndWh);
      assert.is(seal.exportStartWh, previous.exportEndWh);
      assert.is(seal.startS, previous.endS);
    }
  });
});

test('a line torn by a power cut is ignored, and the next record is not glued to it', () => {
  withStorage((storage) => {
    const size = { chunkBytes: 4000, maxChunks: 10 };
    let meter = boot(storage, size, 1, 20);
    for (let t = 1; t <= 5; t++) meter.read(START_S + t, powerAt(t));
    const nextSeq = meter.log.head().nextSeq;
    // The cut: half of the next line reaches flash, the newline never does.
    const chunkName = storage.list(/^pq[0-9]+$/).sort().pop()!;
    const written = storage.read(chunkName)!;
    const usedBytes = written.indexOf(String.fromCharCode(255));
    storage.write(chunkName, `${nextSeq}\t0,0,0,0,0,0,0\t{"v":1,"kind":"sam`, usedBytes);
    meter = boot(storage, size, 1, 20);
    assert.is(meter.log.head().nextSeq, nextSeq, 'the torn record was never published: its seq is the next one');
    for (let t = 7; t <= 12; t++) meter.read(START_S + t, powerAt(t));
    const reopened = openStorageRing(storage, { prefix: 'pq', ...size });
    const records = reopened.entriesAfter(-1, 1e9).map(parse);
    assert.equal(chainProblems(records), []);
    assert.is(records[records.length - 1]!.seq, meter.log.head().nextSeq - 1);
  });
});

test.run();
