/**
 * Simulated meters that start with an offline backlog (`offlineS`, `sim --offline`): the firmware fills its flash
 * queue at its own cadence in virtual time, the count does not depend on how busy the host is, connection
 * attempts fail and back off in virtual time, then the network comes up and the backlog flushes to a broker
 * (the shared Mosquitto, topics of this test's own meters) where a small acknowledger plays the relay.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QUEUE_PREFIX } from '../../device/src/boot/storedSettings.ts';
import { openStorageRing } from '../../device/src/queue/storageRing.ts';
import type { FleetReport } from '../../device/sim/fleetReport.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { openStorageFolder } from '../../device/sim/storageFolder.ts';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { meterTopic, parseMeterTopic } from '../../shared/protocol/topics.ts';
import { decodeRecord } from '../../shared/protocol/wireCodec.ts';
import { freshFirmwareCode } from './freshFirmware.ts';
import { findFreePort } from './mosquittoProcess.ts';

const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';
const CLI_PATH = fileURLToPath(new URL('../../bin/peer-energy-trader.js', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'pet-sim-offline-'));
test.after(() => rmSync(workDir, { recursive: true, force: true }));

/** A port nothing listens on: the broker of a meter that never gets online. */
const closedPort = findFreePort;

/**
 * Plays the relay's delivery part for a set of meters: collects their records, checks each chain link as the
 * records arrive in order, and acknowledges the highest contiguous seq with that record's digest.
 */
async function startAcknowledger(addresses: string[]) {
  const records = new Map<string, Map<number, MeterRecord>>(addresses.map((address) => [address, new Map()]));
  const contiguous = new Map<string, number>(addresses.map((address) => [address, -1]));
  const problems: string[] = [];
  const client = await mqtt.connectAsync(MOSQUITTO_URL, { clientId: `sim-offline-ack-${process.pid}-${Date.now()}`, clean: true });
  client.on('message', (topic, payload) => {
    const parsed = parseMeterTopic(topic);
    if (parsed === undefined || !records.has(parsed.meter)) return;
    let record: MeterRecord;
    try {
      record = decodeRecord(payload);
    } catch (error) {
      problems.push(`${topic}: ${(error as Error).message}`);
      return;
    }
    const byMeter = records.get(parsed.meter)!;
    byMeter.set(record.seq, record);
    let head = contiguous.get(parsed.meter)!;
    while (byMeter.has(head + 1)) {
      const next = byMeter.get(head + 1)!;
      const expectedPrev = head < 0 ? ZERO_DIGEST_HEX : recordDigestHex(byMeter.get(head)!);
      if (next.prev !== expectedPrev) problems.push(`${parsed.meter} seq ${next.seq}: prev does not match seq ${head}`);
      head++;
    }
    if (head > contiguous.get(parsed.meter)!) {
      contiguous.set(parsed.meter, head);
      const digest = recordDigestHex(byMeter.get(head)!).slice(2);
      void client.publishAsync(meterTopic(parsed.meter, 'cmd'), JSON.stringify({ cmd: 'ack', uptoSeq: head, digest }), { qos: 1 });
    }
  });
  await client.subscribeAsync(
    addresses.flatMap((address) => [meterTopic(address, 'sample'), meterTopic(address, 'seal')]),
    { qos: 1 },
  );
  return { records, contiguous, problems, stop: () => client.endAsync(true) };
}

/** Runs the CLI in a child process; resolves with its exit code and output. */
function runCli(args: string[], onOutput?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_PATH, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    onOutput?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

test('an hour offline at 10 s samples and 900 s intervals: exactly 360 samples and 4 seals per meter at their cadence, with the host busy', async () => {
  const intervalSeconds = 900;
  // The network comes up a quarter second after an interval boundary: the hour then holds exactly 360 sample
  // windows (the first one starts at the first reading, 1 s after boot) and 4 interval ends.
  const startTimeS = Math.floor(Date.now() / 1000 / intervalSeconds) * intervalSeconds + 0.25;
  const bootS = startTimeS - 3600;
  // The host's event loop is kept busy throughout: virtual time must not care.
  const load = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until);
  }, 1);
  const fleet = await startSimulatedMeters({
    meters: 2,
    brokerUrl: `mqtt://127.0.0.1:${await closedPort()}`,
    offlineS: 3600,
    startTimeS,
    sampleSeconds: 10,
    intervalSeconds,
    keysSeed: `sim-offline-count-${process.pid}-${Date.now()}`,
    dataDir: join(workDir, 'count'),
    firmwareCode: await freshFirmwareCode(),
  });
  clearInterval(load);
  try {
    const report = fleet.report();
    assert.is(report.offlineS, 3600);
    assert.is(report.bootedAtS, bootS);
    assert.is(report.networkUpAtS, startTimeS);
    assert.ok(fleet.clock.nowS() >= startTimeS, 'the clock went live at the start time');
    assert.equal(report.totals, { meters: 2, produced: 728, queued: 728, dropped: 0, flushedMeters: 0 });
    for (const line of report.meters) {
      assert.equal(
        { firstSeq: line.firstSeq, lastSeq: line.lastSeq, produced: line.produced, backlogLastSeq: line.backlogLastSeq, queued: line.queued, heldFromSeq: line.heldFromSeq, acknowledgedSeq: line.acknowledgedSeq, dropped: line.dropped, isFlushed: line.isFlushed },
        { firstSeq: 0, lastSeq: 363, produced: 364, backlogLastSeq: 363, queued: 364, heldFromSeq: 0, acknowledgedSeq: -1, dropped: 0, isFlushed: false },
      );
    }
    for (const meter of fleet.meters) {
      const ring = openStorageRing(openStorageFolder(meter.storageDir), { prefix: QUEUE_PREFIX, chunkBytes: 1, maxChunks: 1 });
      const queued = ring.entriesAfter(-1, 1000).map((entry) => JSON.parse(entry.json) as MeterRecord);
      const sampleTimes = queued.flatMap((record) => (record.kind === 'sample' ? [record.timeS] : []));
      const sealEnds = queued.flatMap((record) => (record.kind === 'seal' ? [record.endS] : []));
      const firstWindowEndS = Math.ceil((bootS + 1) / 10) * 10;
      assert.equal(sampleTimes, Array.from({ length: 360 }, (_, i) => firstWindowEndS + 10 * i), 'one sample per 10 s window, none missing');
      assert.equal(sealEnds, [1, 2, 3, 4].map((k) => startTimeS - 0.25 - (4 - k) * intervalSeconds), 'one seal per interval end');
      assert.equal(queued.map((record) => record.seq), Array.from({ length: 364 }, (_, i) => i));
      const stats = meter.stats().context;
      // Backoff ran in virtual time: 1, 2, 4 … 60 s (±20 %) plus 3 s per failed attempt, over an hour.
      assert.ok(stats.net.unreachableAttempts >= 40, `${stats.net.unreachableAttempts} connection attempts while offline`);
      assert.is(stats.uncaughtErrors, 0, stats.lastError);
    }
  } finally {
    await fleet.stop();
  }
});

test('sim --offline 600 --until-flushed --report: the backlog flushes to the broker, chains intact, exit 0, report written', async () => {
  const keysSeed = `sim-offline-flush-${process.pid}-${Date.now()}`;
  const addresses = [0, 1].map((index) => deriveMeterKey(keysSeed, index).address);
  const acknowledger = await startAcknowledger(addresses);
  const reportPath = join(workDir, 'flush-report.json');
  try {
    // 10× so that the meters' reconnect backoff (up to 72 simulated s after an offline phase) takes seconds.
    const result = await runCli(['--meters', '2', '--broker', MOSQUITTO_URL, '--offline', '600', '--speed', '10', '--keys-seed', keysSeed, '--until-flushed', '--report', reportPath]);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /offline backlog built in [0-9.]+ s: [0-9]+ records queued; network up/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as FleetReport;
    assert.is(report.offlineS, 600);
    assert.is(report.totals.meters, 2);
    assert.is(report.totals.flushedMeters, 2);
    for (const line of report.meters) {
      assert.is(line.address, addresses[line.index]);
      assert.is(line.firstSeq, 0);
      // 600 s at 10 s samples: 59 or 60 samples and 0 or 1 seal, depending on where the boundaries fall.
      assert.ok(line.backlogLastSeq! >= 58, `meter ${line.index}: backlog up to seq ${line.backlogLastSeq}`);
      assert.ok(line.acknowledgedSeq >= line.backlogLastSeq!, `meter ${line.index}: acknowledged up to ${line.acknowledgedSeq}, past the backlog`);
      assert.is(line.heldFromSeq, line.acknowledgedSeq + 1);
      assert.is(line.queued, line.lastSeq! - line.acknowledgedSeq);
      assert.is(line.dropped, 0);
      assert.ok(acknowledger.contiguous.get(line.address)! >= line.acknowledgedSeq, 'every acknowledged record reached the broker');
    }
    assert.equal(acknowledger.problems, []);
  } finally {
    await acknowledger.stop();
  }
});

test('sim --offline: SIGTERM during the offline phase still writes the report (network never up)', async () => {
  const reportPath = join(workDir, 'sigterm-report.json');
  let isSignalled = false;
  const result = await runCli(
    ['--meters', '2', '--broker', `mqtt://127.0.0.1:${await closedPort()}`, '--offline', '864000', '--keys-seed', `sim-offline-term-${process.pid}`, '--report', reportPath],
    (stdout, child) => {
      if (isSignalled || !stdout.includes('building')) return;
      isSignalled = true;
      setTimeout(() => child.kill('SIGTERM'), 1500);
    },
  );
  assert.is(result.code, 0, result.stderr);
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as FleetReport;
  assert.is(report.networkUpAtS, null);
  assert.is(report.offlineS, 864000);
  assert.is(report.meters.length, 2);
  assert.is(report.totals.flushedMeters, 0);
  for (const line of report.meters) {
    assert.is(line.backlogLastSeq, null);
    if (line.lastSeq !== null) assert.is(line.produced, line.lastSeq - line.firstSeq! + 1);
  }
});

test.run();
