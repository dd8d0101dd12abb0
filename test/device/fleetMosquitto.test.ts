/**
 * 200 simulated meters, each running the built firmware bundle in its own vm context, publish to the machine's
 * Mosquitto (127.0.0.1:1883); an independent subscriber decodes every record, verifies every seal signature and
 * walks every hash chain from seq 0. The subscriber runs in its own process (remoteCollector.ts) so that it keeps
 * reading while the meters keep this one busy, and acknowledges what it verified end to end (the relay's `ack`,
 * recordCollector.ts): no other acknowledgement lets a meter release flash. Simulated time runs 2× real time
 * (2 s samples, 20 s intervals).
 *
 * The end is exact: measurement is held, every meter's queue drains (each record written acknowledged by the
 * subscriber), and only then are the meters' last seqs compared with what the subscriber holds.
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
const SEAL_TIMEOUT_MS = 8000;
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
    sampleSeconds: 2,
    // A seal per meter every 10 s real: signing 20 seals a second is what this machine can spare under load.
    intervalSeconds: 20,
    // 40 pairs a burst (2 mains cycles) every 2 s instead of 100 every second: the same firmware path at a
    // fifth of the CPU for 200 meters, and a measurement gap needs a 7 s stall (simulated) on a loaded machine.
    samplePairsPerBurst: 40,
    burstPeriodMs: 2000,
    keysSeed,
    dataDir: join(workDir, 'meters'),
    firmwareCode,
  });
  const startedMs = Date.now();
  try {
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    // Then on, for a bounded while, until every meter has sealed an interval (on a loaded machine some lag).
    const sealDeadlineMs = Date.now() + SEAL_TIMEOUT_MS;
    for (;;) {
      const written = Object.fromEntries(fleet.meters.map((meter) => [meter.address, meter.firmwareStatus()?.seq ?? -1]));
      if ((await collector.check(written)).metersWithoutSeal === 0 || Date.now() > sealDeadlineMs) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const drain = await pauseAndDrain(fleet.meters, DRAIN_TIMEOUT_MS);
    assert.equal(drain.stuck, [], 'every queue drains');
    const lastSeqs = drain.lastSeqs;
    const lastByMeter = Object.fromEntries(fleet.meters.map((meter, i) => [meter.address, lastSeqs[i]!]));
    const report = await collector.waitForComplete(lastByMeter, DELIVERY_TIMEOUT_MS);
    const elapsedS = (Date.now() - startedMs) / 1000;
    const total = lastSeqs.reduce((sum, seq) => sum + seq + 1, 0);
    console.log(
      `  ${METERS} meters: ${total} records written (${report.seals} seals; ${report.metersWithoutSeal} meters without one), ${report.distinct} distinct received, ${total - report.distinct} lost,` +
        ` ${elapsedS.toFixed(1)} s real = ${(total / elapsedS).toFixed(0)} records/s, ${report.acksSent} acks sent`,
    );
    assert.equal(report.problems, []);
    assert.equal(report.chainProblems, []);
    assert.equal(report.distinct, total, 'every record written was received');
    assert.equal(report.beyondLast, 0, 'nothing beyond a meter\'s last seq');
    for (let i = 0; i < fleet.meters.length; i++) {
      const meter = fleet.meters[i]!;
      assert.ok(lastSeqs[i]! >= 1, `meter ${meter.index} wrote ${lastSeqs[i]! + 1} records`);
      assert.equal(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
      const delivery = meter.firmwareStatus() as unknown as { ackRefused: number; problem?: string };
      assert.is(delivery.ackRefused, 0, `meter ${meter.index}: ${delivery.problem}`);
    }
    assert.ok(report.seals >= METERS, `expected at least a seal a meter on average, got ${report.seals}`);
  } finally {
    await fleet.stop();
    // The broker publishes each meter's retained Last Will when its socket dies; clear those after they came.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await collector.clearRetained(addresses);
    await collector.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
});

test.run();
