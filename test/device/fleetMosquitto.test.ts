/**
 * 200 simulated meters, each running the built firmware bundle in its own vm context, publish to the machine's
 * Mosquitto (127.0.0.1:1883); an independent subscriber decodes every record, verifies every seal signature and
 * walks every hash chain from seq 0. The subscriber runs in its own process (remoteCollector.ts) so that it keeps
 * reading while the meters keep this one busy. Simulated time runs 2× real time (1 s samples, 10 s intervals).
 *
 * The end is exact: measurement is held, every meter's queue drains (each record written has its PUBACK), and
 * only then are the meters' last seqs compared with what the subscriber holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { pauseAndDrain } from './fleetDrain.ts';
import { freshFirmwareCode } from './freshFirmware.ts';
import { startRemoteCollector } from './remoteCollector.ts';

const METERS = 200;
const RUN_MS = 12000;
const DRAIN_TIMEOUT_MS = 45000;
const DELIVERY_TIMEOUT_MS = 15000;

test('200 meters publish to Mosquitto: every record decodes, every seal verifies, every chain is intact, none lost', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'pet-fleet-'));
  const firmwareCode = await freshFirmwareCode();
  // A fresh seed per run: fresh meter addresses, so fresh topics and client ids on the shared broker.
  const keysSeed = `fleet-${process.pid}-${Date.now()}`;
  // Addresses are known before the meters boot (deterministic demo keys), so the subscriber is there first.
  const addresses = Array.from({ length: METERS }, (_, index) => deriveMeterKey(keysSeed, index).address);
  const collector = await startRemoteCollector('mqtt://127.0.0.1:1883', `fleet-test-${process.pid}-${Date.now()}`, addresses);
  const fleet = await startSimulatedMeters({
    meters: METERS,
    brokerUrl: 'mqtt://127.0.0.1:1883',
    speed: 2,
    sampleSeconds: 1,
    intervalSeconds: 10,
    // 40 pairs a burst (2 mains cycles) instead of 100: the same firmware path at less CPU for 200 meters.
    samplePairsPerBurst: 40,
    keysSeed,
    dataDir: join(workDir, 'meters'),
    firmwareCode,
  });
  const startedMs = Date.now();
  try {
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    const drain = await pauseAndDrain(fleet.meters, DRAIN_TIMEOUT_MS);
    assert.equal(drain.stuck, [], 'every queue drains');
    const lastSeqs = drain.lastSeqs;
    const lastByMeter = Object.fromEntries(fleet.meters.map((meter, i) => [meter.address, lastSeqs[i]!]));
    const report = await collector.waitForComplete(lastByMeter, DELIVERY_TIMEOUT_MS);
    const elapsedS = (Date.now() - startedMs) / 1000;
    const total = lastSeqs.reduce((sum, seq) => sum + seq + 1, 0);
    console.log(
      `  ${METERS} meters: ${total} records written (${report.seals} seals), ${report.distinct} distinct received, ${total - report.distinct} lost,` +
        ` ${elapsedS.toFixed(1)} s real = ${(total / elapsedS).toFixed(0)} records/s`,
    );
    assert.equal(report.problems, []);
    assert.equal(report.chainProblems, []);
    assert.equal(report.distinct, total, 'every record written was received');
    assert.equal(report.beyondLast, 0, 'nothing beyond a meter\'s last seq');
    for (let i = 0; i < fleet.meters.length; i++) {
      const meter = fleet.meters[i]!;
      assert.ok(lastSeqs[i]! >= 1, `meter ${meter.index} wrote ${lastSeqs[i]! + 1} records`);
      assert.equal(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
    }
    assert.is(report.metersWithoutSeal, 0, 'every meter sealed at least one interval');
  } finally {
    await fleet.stop();
    await collector.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
});

test.run();
