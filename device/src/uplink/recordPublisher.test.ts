/**
 * The record publisher against a scripted MQTT client (the broker's PUBACKs come when the test says), a signing
 * job that takes a few event-loop turns, a clock the test moves, and an independent test relay (digests from
 * the shared protocol code, watermark = highest contiguous seq received). A record leaves flash only at an ack
 * that names its digest; PUBACK only frees a slot; the ack window, resend, reconnect and the retransmission
 * timer behave as docs/protocol.md says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../../shared/protocol/recordTypes.ts';
import { openStorageFolder } from '../../sim/storageFolder.ts';
import type { PowerReading } from '../measure/powerCalculation.ts';
import { integrateReading, newWindowState, type WindowState } from '../measure/windowIntegrator.ts';
import type { MqttClient } from '../mqtt/mqttClient.ts';
import { openStorageRing, type StorageRing } from '../queue/storageRing.ts';
import { createRecordLog, restoreState, type RecordLog } from '../records/recordLog.ts';
import { createRecordPublisher, type RecordPublisher } from './recordPublisher.ts';
import type { SigningJob } from './signingJob.ts';

const ADDRESS = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';
const START_S = 1767225600;

interface ScriptedClient extends MqttClient {
  isOnline: boolean;
  /** Messages awaiting PUBACK, oldest first. */
  pending: { topic: string; payload: string; onAcknowledged: () => void }[];
  sent: { topic: string; payload: string }[];
  onPublish: (payload: string) => void;
}

function scriptedClient(maxInflight: number): ScriptedClient {
  const client: ScriptedClient = {
    isOnline: true,
    pending: [],
    sent: [],
    onPublish: () => {},
    start() {},
    stop() {},
    isConnected: () => client.isOnline,
    hasRoom: () => client.pending.length < maxInflight,
    publishAtLeastOnce(topic, payload, _isRetained, onAcknowledged) {
      if (client.pending.length >= maxInflight) return false;
      client.onPublish(payload);
      client.pending.push({ topic, payload, onAcknowledged });
      client.sent.push({ topic, payload });
      return true;
    },
    publishAtMostOnce: () => false,
    inflightCount: () => client.pending.length,
    stats: () => ({ connects: 1, disconnects: 0, published: client.sent.length, retransmitted: 0, acknowledged: 0 }),
  };
  return client;
}

/** A signer that needs three turns of the event loop and returns a fixed 65-byte signature. */
function slowSigningJob(): SigningJob {
  let steps = 0;
  return {
    step: () => ++steps >= 3,
    result: () => new Uint8Array(65).fill(7),
  };
}

/** The receiving side, independent of the firmware: digests by the shared code, the contiguous watermark. */
interface TestRelay {
  digests: Map<number, string>;
  watermark: number;
  receive(payload: string): void;
  /** Everything below `heldFromSeq` is gone from the meter (what the real relay learns from the status). */
  abandonBelow(heldFromSeq: number): void;
}

function testRelay(): TestRelay {
  const relay: TestRelay = {
    digests: new Map(),
    watermark: -1,
    receive(payload) {
      // The fake signature is not a valid one, so no decodeRecord: the digest does not cover `sig` anyway.
      const record = JSON.parse(payload) as MeterRecord;
      relay.digests.set(record.seq, recordDigestHex(record));
      while (relay.digests.has(relay.watermark + 1)) relay.watermark++;
    },
    abandonBelow(heldFromSeq) {
      if (relay.watermark < heldFromSeq - 1) relay.watermark = heldFromSeq - 1;
      while (relay.digests.has(relay.watermark + 1)) relay.watermark++;
    },
  };
  return relay;
}

interface Meter {
  queue: StorageRing;
  log: RecordLog;
  client: ScriptedClient;
  publisher: RecordPublisher;
  relay: TestRelay;
  clock: { nowS: number };
  problems: string[];
  statusDue: { count: number };
  window: WindowState;
  /** Seconds of readings written so far. */
  writtenS: number;
}

interface SetUpOptions {
  chunkBytes?: number;
  maxChunks?: number;
  maxInflight?: number;
  ackWindowRecords?: number;
  ackTimeoutS?: number;
  /** Give the publisher the chain head (default true); without it the newest record's digest is hashed. */
  withChainHead?: boolean;
}

function setUp(dir: string, options: SetUpOptions = {}): Meter {
  const storage = openStorageFolder(dir);
  const queue = openStorageRing(storage, { prefix: 'pq', chunkBytes: options.chunkBytes ?? 4000, maxChunks: options.maxChunks ?? 20 });
  const log = createRecordLog({ address: ADDRESS, sha256, ring: queue, intervalSeconds: 5, restored: restoreState(queue, sha256), onRecordWritten() {} });
  const client = scriptedClient(options.maxInflight ?? 100);
  const clock = { nowS: 1000 };
  const problems: string[] = [];
  const statusDue = { count: 0 };
  const publisher = createRecordPublisher({
    ring: queue,
    client,
    sha256,
    privateKey: new Uint8Array(32).fill(1),
    createSigningJob: slowSigningJob,
    limbProductsPerSlice: 1,
    sampleTopic: 'sample',
    sealTopic: 'seal',
    ackWindowRecords: options.ackWindowRecords ?? 64,
    ackTimeoutS: options.ackTimeoutS ?? 10,
    nowS: () => clock.nowS,
    chainHead: options.withChainHead === false ? undefined : () => log.head(),
    onProblem: (problem) => problems.push(`${problem.code}: ${problem.message}`),
    onStatusDue: () => statusDue.count++,
  });
  const window = newWindowState({ importWh: 0, exportWh: 0, importRemainderMj: 0, exportRemainderMj: 0 }, 1, 4);
  return { queue, log, client, publisher, relay: testRelay(), clock, problems, statusDue, window, writtenS: 0 };
}

/** Writes `seconds` more one-second readings (a sample each, a seal every 5 s). */
function writeRecords(meter: Meter, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    const t = ++meter.writtenS;
    const reading: PowerReading = { voltageRmsV: 230, currentRmsA: 4, realPowerW: 900 + (t % 7), apparentPowerVa: 920, powerFactor: 0.98, cycleCount: 50 };
    integrateReading(meter.window, reading, START_S + t, meter.log.addWindow);
  }
}

const lastSeqOf = (meter: Meter) => meter.log.head().nextSeq - 1;
const seqOf = (payload: string) => JSON.parse(payload).seq as number;
const sentSeqs = (meter: Meter) => meter.client.sent.map((message) => seqOf(message.payload));
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const turn = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * The broker PUBACKs whatever is in flight and hands it to the relay; with `isRelayAcking` the relay then acks
 * its watermark. Runs until nothing has moved for 20 turns (signing takes 3).
 */
async function deliver(meter: Meter, isRelayAcking: boolean): Promise<void> {
  let quietTurns = 0;
  for (let i = 0; i < 5000 && quietTurns < 20; i++) {
    const batch = meter.client.pending.splice(0);
    for (const message of batch) {
      meter.relay.receive(message.payload);
      message.onAcknowledged();
    }
    const upto = meter.relay.watermark;
    if (isRelayAcking && upto > meter.queue.acknowledgedSeq()) meter.publisher.acknowledge(upto, meter.relay.digests.get(upto)!);
    await turn();
    quietTurns = batch.length === 0 && meter.client.pending.length === 0 ? quietTurns + 1 : 0;
  }
}

/** The relay's digest of `seq` (it received the record). */
const relayDigest = (meter: Meter, seq: number) => meter.relay.digests.get(seq)!;

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pet-pub-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('PUBACK alone never releases flash: the broker acknowledges every message, the queue keeps every record', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.equal(sentSeqs(meter), range(0, lastSeq), 'every record once, in seq order');
  assert.is(meter.client.pending.length, 0, 'every message has its PUBACK');
  assert.is(meter.queue.acknowledgedSeq(), -1);
  assert.is(meter.queue.pendingCount(), lastSeq + 1);
  assert.is(meter.publisher.heldFromSeq(), 0);
}));

test('with measurement stopped, the relay\'s acks alone drain the queue: seals signed while the window was full still go out', withDir(async (dir) => {
  const meter = setUp(dir, { maxInflight: 2 });
  writeRecords(meter, 30);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump(); // the only pump: no new record will come to call it again
  await deliver(meter, true);
  assert.equal(sentSeqs(meter), range(0, lastSeq), 'every record once, in seq order');
  const seals = meter.client.sent.filter((message) => message.topic === 'seal');
  assert.ok(seals.length >= 5, `${seals.length} seals`);
  for (const seal of seals) assert.match(seal.payload, /"sig":"0x(07){65}"/);
  assert.is(meter.publisher.figures().signedSeals, seals.length);
  assert.is(meter.queue.pendingCount(), 0);
  assert.is(meter.queue.acknowledgedSeq(), lastSeq);
  assert.is(meter.publisher.heldFromSeq(), lastSeq + 1);
  assert.equal(meter.problems, []);
}));

test('after a full ring dropped records while offline, the relay\'s acks free the rest and the queue empties', withDir(async (dir) => {
  const meter = setUp(dir, { chunkBytes: 1500, maxChunks: 3, maxInflight: 4 });
  meter.client.isOnline = false;
  writeRecords(meter, 80);
  const dropped = meter.log.droppedRecords();
  assert.ok(dropped > 0, 'the ring overflowed');
  assert.is(meter.publisher.heldFromSeq(), dropped, 'held from the oldest kept record');
  meter.relay.abandonBelow(meter.publisher.heldFromSeq());
  meter.client.isOnline = true;
  meter.publisher.resume();
  await deliver(meter, true);
  const lastSeq = lastSeqOf(meter);
  assert.equal(sentSeqs(meter), range(dropped, lastSeq), 'the oldest kept record goes first');
  assert.is(meter.queue.pendingCount(), 0);
  assert.is(meter.queue.acknowledgedSeq(), lastSeq);
  assert.equal(meter.problems, []);
}));

test('an ack whose digest matches the meter\'s record releases every record up to it', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  // Record 3 is followed by record 4 in the queue: its digest is 4's `prev`.
  assert.is(meter.publisher.acknowledge(3, relayDigest(meter, 3)), 'released');
  assert.is(meter.queue.acknowledgedSeq(), 3);
  assert.is(meter.queue.pendingCount(), lastSeq - 3);
  assert.is(meter.publisher.heldFromSeq(), 4);
  // The newest record: its digest is the chain head's.
  assert.is(meter.publisher.acknowledge(lastSeq, relayDigest(meter, lastSeq)), 'released');
  assert.is(meter.queue.pendingCount(), 0);
  assert.is(meter.publisher.heldFromSeq(), lastSeq + 1);
  assert.equal(meter.problems, []);
}));

test('without the chain head, the newest record\'s digest is hashed from the queue, for a seal and for a sample', withDir(async (dir) => {
  const meter = setUp(dir, { withChainHead: false });
  while (meter.queue.lastEntry()?.json.includes('"kind":"seal"') !== true) writeRecords(meter, 1);
  meter.publisher.pump();
  await deliver(meter, false);
  const sealSeq = lastSeqOf(meter);
  assert.is(meter.publisher.acknowledge(sealSeq, relayDigest(meter, sealSeq)), 'released');
  assert.is(meter.queue.pendingCount(), 0);
  writeRecords(meter, 1);
  meter.publisher.pump();
  await deliver(meter, false);
  const sampleSeq = lastSeqOf(meter);
  assert.ok(meter.queue.lastEntry()!.json.includes('"kind":"sample"'));
  assert.is(meter.publisher.acknowledge(sampleSeq, relayDigest(meter, sampleSeq)), 'released');
  assert.is(meter.queue.acknowledgedSeq(), sampleSeq);
  assert.equal(meter.problems, []);
}));

test('an ack with a wrong digest or for a seq the meter does not hold releases nothing and is reported', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  const pending = meter.queue.pendingCount();
  assert.is(meter.publisher.acknowledge(5, relayDigest(meter, 4)), 'refused', 'another record\'s digest');
  assert.is(meter.publisher.acknowledge(lastSeq, '0x' + '00'.repeat(32)), 'refused', 'a made-up digest for the newest record');
  assert.is(meter.publisher.acknowledge(lastSeq + 1, relayDigest(meter, lastSeq)), 'refused', 'beyond the head');
  assert.is(meter.publisher.acknowledge(lastSeq + 1000, relayDigest(meter, lastSeq)), 'refused', 'far beyond the head');
  assert.is(meter.queue.acknowledgedSeq(), -1, 'nothing released');
  assert.is(meter.queue.pendingCount(), pending);
  assert.is(meter.publisher.figures().ackRefused, 4);
  assert.is(meter.problems.length, 4);
  for (const problem of meter.problems) assert.match(problem, /^ack_refused: ack up to seq \d+ refused/);
  assert.match(meter.problems[0]!, /digest/);
  assert.match(meter.problems[2]!, /no record/);
  // The right ack still works afterwards.
  assert.is(meter.publisher.acknowledge(5, relayDigest(meter, 5)), 'released');
}));

test('a stale ack (at or below the acknowledged point) is ignored silently, whatever its digest', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.is(meter.publisher.acknowledge(10, relayDigest(meter, 10)), 'released');
  assert.is(meter.publisher.acknowledge(10, relayDigest(meter, 10)), 'stale');
  assert.is(meter.publisher.acknowledge(4, '0x' + 'ff'.repeat(32)), 'stale');
  assert.is(meter.publisher.acknowledge(0, relayDigest(meter, 0)), 'stale');
  assert.is(meter.queue.acknowledgedSeq(), 10);
  assert.is(meter.publisher.figures().ackRefused, 0);
  assert.equal(meter.problems, []);
}));

test('resend rewinds the send pointer: records from fromSeq go again, in order, and the window halves', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  assert.ok(lastSeq < 32, 'all fit in the halved window');
  meter.publisher.pump();
  await deliver(meter, false);
  meter.client.sent = [];
  meter.publisher.resend(3);
  await deliver(meter, false);
  assert.equal(sentSeqs(meter), range(3, lastSeq));
  assert.is(meter.statusDue.count, 0, 'seq 3 is still held: no status needed');
  assert.is(meter.publisher.figures().resendRequests, 1);
  assert.is(meter.publisher.figures().windowRecords, 32);
  assert.is(meter.queue.pendingCount(), lastSeq + 1, 'a resend releases nothing');
}));

test('a resend below heldFromSeq rewinds to heldFromSeq and asks for the status at once', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.is(meter.publisher.acknowledge(8, relayDigest(meter, 8)), 'released');
  meter.client.sent = [];
  meter.publisher.resend(2);
  assert.is(meter.statusDue.count, 1);
  assert.is(meter.publisher.heldFromSeq(), 9, 'what the status will say');
  await deliver(meter, false);
  assert.equal(sentSeqs(meter), range(9, lastSeq), 'only records it still holds');
}));

test('after a reconnect the meter sends again from the acknowledged point', withDir(async (dir) => {
  const meter = setUp(dir);
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.is(meter.publisher.acknowledge(6, relayDigest(meter, 6)), 'released');
  meter.client.isOnline = false;
  writeRecords(meter, 3);
  meter.publisher.pump();
  assert.is(meter.client.pending.length, 0, 'nothing goes while offline');
  meter.client.isOnline = true;
  meter.client.sent = [];
  meter.publisher.resume();
  await deliver(meter, false);
  assert.ok(lastSeqOf(meter) > lastSeq);
  assert.equal(sentSeqs(meter), range(7, lastSeqOf(meter)), 'everything after the watermark, once, in order');
}));

test('the ack window bounds the records sent beyond the acknowledged point; it halves on a resend and grows by one per ack', withDir(async (dir) => {
  const meter = setUp(dir, { ackWindowRecords: 8 });
  let mostAhead = 0;
  let bound = 8;
  meter.client.onPublish = (payload) => {
    const ahead = seqOf(payload) - meter.queue.acknowledgedSeq();
    mostAhead = Math.max(mostAhead, ahead);
    assert.ok(ahead <= bound, `seq ${seqOf(payload)} is ${ahead} beyond the acknowledged point, window ${bound}`);
  };
  writeRecords(meter, 60);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.equal(sentSeqs(meter), range(0, 7), 'a full window and no more, PUBACKs or not');
  assert.is(meter.publisher.acknowledge(3, relayDigest(meter, 3)), 'released');
  await deliver(meter, false);
  assert.equal(sentSeqs(meter).slice(8), range(8, 11), 'the window slides with the ack');
  bound = 4;
  meter.publisher.resend(4);
  assert.is(meter.publisher.figures().windowRecords, 4);
  await deliver(meter, false);
  assert.equal(sentSeqs(meter).slice(12), range(4, 7), 'the halved window');
  bound = 5;
  assert.is(meter.publisher.acknowledge(5, relayDigest(meter, 5)), 'released');
  assert.is(meter.publisher.figures().windowRecords, 5, 'one more per ack');
  await deliver(meter, false);
  assert.equal(sentSeqs(meter).slice(16), range(8, 10));
  bound = 8;
  await deliver(meter, true);
  assert.is(meter.publisher.figures().windowRecords, 8, 'back to ackWindowRecords, never beyond');
  assert.is(meter.queue.acknowledgedSeq(), lastSeq, 'and the queue drains');
  assert.is(mostAhead, 8);
}));

test('no ack for ackTimeoutS: everything after the acknowledged point goes again; the timeout doubles up to 120 s and resets on progress', withDir(async (dir) => {
  const meter = setUp(dir, { ackTimeoutS: 10 });
  writeRecords(meter, 20);
  const lastSeq = lastSeqOf(meter);
  meter.publisher.pump();
  await deliver(meter, false);
  assert.is(meter.publisher.acknowledge(2, relayDigest(meter, 2)), 'released'); // at t = 1000
  const timeouts = () => meter.publisher.figures().retransmitTimeouts;
  async function tickAt(nowS: number): Promise<number[]> {
    meter.clock.nowS = nowS;
    meter.client.sent = [];
    meter.publisher.tick();
    await deliver(meter, false);
    return sentSeqs(meter);
  }
  assert.equal(await tickAt(1009.9), [], 'not yet');
  assert.equal(await tickAt(1010), range(3, lastSeq), 'go-back-N from the acknowledged point');
  assert.is(timeouts(), 1);
  assert.is(meter.publisher.figures().windowRecords, 32, 'the window halves');
  // 20, 40, 80, then capped at 120 s.
  let atS = 1010;
  for (const waitS of [20, 40, 80, 120, 120]) {
    assert.equal(await tickAt(atS + waitS - 0.1), [], `not before ${waitS} s`);
    assert.ok((await tickAt(atS + waitS)).length > 0, `again after ${waitS} s`);
    atS += waitS;
  }
  assert.is(timeouts(), 6);
  // Progress resets the timeout to ackTimeoutS.
  assert.is(meter.publisher.acknowledge(5, relayDigest(meter, 5)), 'released');
  assert.equal(await tickAt(atS + 9.9), []);
  assert.equal((await tickAt(atS + 10))[0], 6);
  assert.is(timeouts(), 7);
  // A clock set a day forward by the relay's `time` command is not a wait: the next timeout is 20 s after the last.
  meter.publisher.shiftClock(86400);
  assert.equal(await tickAt(atS + 86400 + 29.9), [], 'the clock jump does not count');
  assert.equal((await tickAt(atS + 86400 + 30))[0], 6);
  assert.is(timeouts(), 8);
  atS += 86400 + 30;
  // Nothing outstanding, or offline: no timeout.
  assert.is(meter.publisher.acknowledge(lastSeq, relayDigest(meter, lastSeq)), 'released');
  assert.equal(await tickAt(atS + 1000), []);
  writeRecords(meter, 2);
  meter.publisher.pump();
  await deliver(meter, false);
  meter.client.isOnline = false;
  assert.equal(await tickAt(atS + 5000), []);
  assert.is(timeouts(), 8);
  assert.is(meter.queue.pendingCount(), lastSeqOf(meter) - lastSeq, 'timeouts release nothing');
}));

test.run();
