/**
 * The record publisher against a scripted MQTT client (the broker's PUBACKs come when the test says) and a
 * signing job that takes a few event-loop turns: records leave in seq order, each seal once signed, and the
 * queue empties with no new measurement to push it — also after a full ring dropped records while offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStorageFolder } from '../../sim/storageFolder.ts';
import type { PowerReading } from '../measure/powerCalculation.ts';
import { integrateReading, newWindowState } from '../measure/windowIntegrator.ts';
import type { MqttClient } from '../mqtt/mqttClient.ts';
import { openStorageRing, type StorageRing } from '../queue/storageRing.ts';
import { createRecordLog, restoreState, type RecordLog } from '../records/recordLog.ts';
import { createRecordPublisher } from './recordPublisher.ts';
import type { SigningJob } from './signingJob.ts';

const ADDRESS = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';
const START_S = 1767225600;

interface ScriptedClient extends MqttClient {
  isOnline: boolean;
  /** Messages awaiting PUBACK, oldest first. */
  pending: { topic: string; payload: string; onAcknowledged: () => void }[];
  sent: { topic: string; payload: string }[];
}

function scriptedClient(maxInflight: number): ScriptedClient {
  const client: ScriptedClient = {
    isOnline: true,
    pending: [],
    sent: [],
    start() {},
    stop() {},
    isConnected: () => client.isOnline,
    hasRoom: () => client.pending.length < maxInflight,
    publishAtLeastOnce(topic, payload, _isRetained, onAcknowledged) {
      if (client.pending.length >= maxInflight) return false;
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

function writeRecords(log: RecordLog, fromS: number, toS: number): void {
  const window = newWindowState({ importWh: 0, exportWh: 0, importRemainderMj: 0, exportRemainderMj: 0 }, 1, 4);
  for (let t = fromS; t <= toS; t++) {
    const reading: PowerReading = { voltageRmsV: 230, currentRmsA: 4, realPowerW: 900 + (t % 7), apparentPowerVa: 920, powerFactor: 0.98, cycleCount: 50 };
    integrateReading(window, reading, START_S + t, log.addWindow);
  }
}

/** Acknowledges whatever is in flight, turn after turn, until nothing has been sent for 20 turns (or 2 000 turns). */
async function brokerAcknowledgesEverything(client: ScriptedClient): Promise<void> {
  let quietTurns = 0;
  for (let turn = 0; turn < 2000 && quietTurns < 20; turn++) {
    const acknowledging = client.pending.splice(0);
    for (const message of acknowledging) message.onAcknowledged();
    await new Promise((resolve) => setTimeout(resolve, 1));
    quietTurns = client.pending.length === 0 ? quietTurns + 1 : 0;
  }
}

function setUp(dir: string, ring: { chunkBytes: number; maxChunks: number }, maxInflight: number) {
  const storage = openStorageFolder(dir);
  const queue: StorageRing = openStorageRing(storage, { prefix: 'pq', ...ring });
  const log = createRecordLog({ address: ADDRESS, sha256, ring: queue, intervalSeconds: 5, restored: restoreState(queue, sha256), onRecordWritten() {} });
  const client = scriptedClient(maxInflight);
  const publisher = createRecordPublisher({
    ring: queue,
    client,
    sha256,
    privateKey: new Uint8Array(32).fill(1),
    createSigningJob: slowSigningJob,
    limbProductsPerSlice: 1,
    sampleTopic: 'sample',
    sealTopic: 'seal',
    onProblem: (problem) => assert.unreachable(`${problem.code}: ${problem.message}`),
  });
  return { queue, log, client, publisher };
}

const seqOf = (payload: string) => JSON.parse(payload).seq as number;

test('with measurement stopped, PUBACKs alone drain the queue: seals signed while the window was full still go out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-pub-'));
  try {
    const { queue, log, client, publisher } = setUp(dir, { chunkBytes: 4000, maxChunks: 20 }, 2);
    writeRecords(log, 1, 30);
    const lastSeq = log.head().nextSeq - 1;
    publisher.pump(); // the only pump: no new record will come to call it again
    await brokerAcknowledgesEverything(client);
    const seqs = client.sent.map((message) => seqOf(message.payload));
    assert.equal(seqs, Array.from({ length: lastSeq + 1 }, (_, seq) => seq), 'every record once, in seq order');
    const seals = client.sent.filter((message) => message.topic === 'seal');
    assert.ok(seals.length >= 5, `${seals.length} seals`);
    for (const seal of seals) assert.match(seal.payload, /"sig":"0x(07){65}"/);
    assert.is(publisher.signedSeals(), seals.length);
    assert.is(queue.pendingCount(), 0);
    assert.is(queue.acknowledgedSeq(), lastSeq);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after a full ring dropped records while offline, the acknowledgements free the rest and the queue empties', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-pub-'));
  try {
    const { queue, log, client, publisher } = setUp(dir, { chunkBytes: 1500, maxChunks: 3 }, 4);
    client.isOnline = false;
    writeRecords(log, 1, 80);
    const dropped = log.droppedRecords();
    assert.ok(dropped > 0, 'the ring overflowed');
    client.isOnline = true;
    publisher.pump();
    await brokerAcknowledgesEverything(client);
    const seqs = client.sent.map((message) => seqOf(message.payload));
    const lastSeq = log.head().nextSeq - 1;
    assert.is(seqs[0], dropped, 'the oldest kept record goes first');
    assert.equal(seqs, Array.from({ length: lastSeq + 1 - dropped }, (_, i) => dropped + i));
    assert.is(queue.pendingCount(), 0, 'nothing left waiting for a PUBACK that can never come');
    assert.is(queue.acknowledgedSeq(), lastSeq);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
