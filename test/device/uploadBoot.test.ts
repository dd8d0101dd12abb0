/**
 * The exact upload file (device/dist/upload.js as `npm run device:build` writes it: EspruinoTools-minified, with
 * the generator table's Storage writes in front) boots in the simulator's meter context and runs like the
 * unminified bundle the simulator normally runs. A minifier that renames a variable but not its use (as it did
 * for shorthand properties) shows up here as an uncaught ReferenceError, a `problem`, records that differ, or
 * seals whose signature does not verify. Each meter runs 600 s offline in virtual time (no broker needed for
 * the queue), then its network comes up to an in-process broker, where the test reads its signed seals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FIRMWARE_ENTRY, buildFirmware } from '../../device/build/build.ts';
import { checkEspruinoSubset } from '../../device/build/espruinoRules.ts';
import { GENERATOR_TABLE_STORAGE_FILE } from '../../device/src/crypto/generatorTableLayout.ts';
import { QUEUE_PREFIX } from '../../device/src/boot/storedSettings.ts';
import { openStorageRing } from '../../device/src/queue/storageRing.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { openStorageFolder } from '../../device/sim/storageFolder.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { decodeRecord } from '../../shared/protocol/wireCodec.ts';
import mqtt from 'mqtt';
import { startAedes } from './aedesBroker.ts';

const workDir = mkdtempSync(join(tmpdir(), 'pet-upload-boot-'));
test.after(() => rmSync(workDir, { recursive: true, force: true }));

/** Resolves with the first `count` seals published on `topic`; rejects after `deadlineMs` real ms. */
async function collectSeals(brokerUrl: string, topic: string, count: number, deadlineMs: number) {
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `upload-boot-${process.pid}-${Date.now()}`, clean: true });
  const seals: SealRecord[] = [];
  const done = new Promise<SealRecord[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${seals.length} of ${count} seals within ${deadlineMs} ms`)), deadlineMs);
    client.on('message', (_topic, payload) => {
      const record = decodeRecord(payload);
      if (record.kind === 'seal' && !seals.some((s) => s.seq === record.seq)) seals.push(record);
      if (seals.length >= count) {
        clearTimeout(timer);
        resolve(seals);
      }
    });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { done, stop: () => client.endAsync() };
}

/**
 * Runs one meter on `firmwareCode`: 600 s offline, then online to a broker of its own until it has published
 * two seals. Same key and start time on every run, so two runs of equal code write equal records.
 */
async function runMeter(name: string, firmwareCode: string, startTimeS: number) {
  const broker = await startAedes();
  const fleet = await startSimulatedMeters({
    meters: 1,
    brokerUrl: broker.url,
    offlineS: 600,
    startTimeS,
    speed: 50,
    sampleSeconds: 10,
    intervalSeconds: 300,
    keysSeed: `upload-boot-${process.pid}`,
    // No relay acknowledges here: without a long ack timeout a loaded machine publishes the first window slower
    // than the timeout, and go-back-N sends it again from seq 0 with a smaller window, never reaching the second seal.
    mqtt: { ackTimeoutS: 3600 },
    dataDir: join(workDir, name),
    firmwareCode,
  });
  const meter = fleet.meters[0]!;
  // Read at once: the network just came up and no live timer has fired yet, so the queue is the offline one.
  const storage = openStorageFolder(meter.storageDir);
  const ring = openStorageRing(storage, { prefix: QUEUE_PREFIX, chunkBytes: 1, maxChunks: 1 });
  const queue = ring.entriesAfter(-1, 1000).map((entry) => entry.json);
  const offlineStatus = meter.firmwareStatus();
  const sealWatch = await collectSeals(broker.url, meterTopic(meter.address, 'seal'), 2, 60_000); // a hang guard
  try {
    const seals = await sealWatch.done;
    return { status: offlineStatus, queue, seals, table: storage.read(GENERATOR_TABLE_STORAGE_FILE), context: meter.stats().context, address: meter.address };
  } finally {
    await sealWatch.stop();
    await fleet.stop();
    await broker.stop();
  }
}

test('the minified upload file boots, writes and signs records, and they equal the unminified bundle\'s', async () => {
  const build = await buildFirmware(FIRMWARE_ENTRY, join(workDir, 'dist'));
  const uploadCode = readFileSync(build.uploadPath, 'utf8');
  const bundleCode = readFileSync(build.firmwarePath, 'utf8');
  assert.equal(checkEspruinoSubset(uploadCode).filter((v) => v.rule === 'shorthand-property'), [], 'no shorthand property in the upload file');

  // An interval boundary plus a quarter second: two seals in the offline phase.
  const startTimeS = Math.floor(Date.now() / 1000 / 300) * 300 + 0.25;
  const upload = await runMeter('upload', uploadCode, startTimeS);
  assert.is(upload.context.uncaughtErrors, 0, upload.context.lastError);
  assert.ok(upload.status, 'meterConsole is a global of the booted upload file');
  assert.is(upload.status!.problem, undefined, `problem: ${upload.status!.problem}`);
  assert.is(upload.status!.seq, 61, '60 samples and 2 seals in 600 offline seconds');
  assert.is(upload.queue.length, 62);
  assert.is(upload.queue.filter((json) => json.includes('"kind":"seal"')).length, 2);
  assert.is(upload.table?.length, build.tableBytes, 'the upload file wrote the generator table to Storage');
  for (const seal of upload.seals) {
    assert.is(seal.meter, upload.address);
    verifySeal(seal);
  }

  const bundle = await runMeter('bundle', bundleCode, startTimeS);
  assert.is(bundle.context.uncaughtErrors, 0, bundle.context.lastError);
  assert.equal(upload.queue, bundle.queue, 'same records, byte for byte, from the minified and the unminified code');
  assert.equal(upload.seals, bundle.seals, 'same signed seals');
});

test.run();
