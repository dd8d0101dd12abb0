/**
 * A broker outage loses no record: a handful of simulated meters publish to a Mosquitto of the test's own
 * (free port, own configuration, persistence on), the broker is stopped for 30 simulated seconds (6 s real: the
 * simulation runs at 5×, so the meters' clocks, backoff and measurement all see 30 s), started again on the same
 * port, and a subscriber with a persistent session finds every record, every chain intact.
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
import { createMosquittoProcess } from './mosquittoProcess.ts';
import { createRecordCollector, waitFor } from './recordCollector.ts';

const METERS = 5;
const SPEED = 5;
const OUTAGE_SIMULATED_S = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('broker down for 30 simulated seconds (6 s real at 5×): every record arrives after the restart, chains intact', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'pet-outage-'));
  const broker = await createMosquittoProcess();
  await broker.start();
  const keysSeed = `outage-${process.pid}-${Date.now()}`;
  const addresses = Array.from({ length: METERS }, (_, index) => deriveMeterKey(keysSeed, index).address);
  const collector = createRecordCollector(new Set(addresses));
  const subscriber = await collector.connect(broker.url, `outage-test-${process.pid}`, false);
  const fleet = await startSimulatedMeters({
    meters: METERS,
    brokerUrl: broker.url,
    speed: SPEED,
    sampleSeconds: 2,
    intervalSeconds: 20,
    keysSeed,
    dataDir: join(workDir, 'meters'),
    firmwareCode: await freshFirmwareCode(),
  });
  try {
    await sleep(4000);
    const beforeOutage = fleet.meters.map((meter) => meter.firmwareStatus()!.seq);
    await broker.stop();
    await sleep((OUTAGE_SIMULATED_S * 1000) / SPEED);
    const duringOutage = fleet.meters.map((meter) => meter.firmwareStatus()!);
    await broker.start();
    await sleep(3000);
    const drain = await pauseAndDrain(fleet.meters, 30000);
    assert.equal(drain.stuck, []);
    const isComplete = () => fleet.meters.every((meter, i) => (collector.records.get(meter.address)?.size ?? 0) >= drain.lastSeqs[i]! + 1);
    await waitFor(isComplete, 15000);
    let written = 0;
    let received = 0;
    for (let i = 0; i < METERS; i++) {
      const meter = fleet.meters[i]!;
      // The outage was real for the meters: they kept measuring into their queues and had to reconnect.
      assert.ok(duringOutage[i]!.seq >= beforeOutage[i]! + 10, `meter ${i} wrote records during the outage`);
      assert.ok(duringOutage[i]!.queued >= 10, `meter ${i} queued records during the outage`);
      assert.ok(meter.firmwareStatus()!.mqtt.connects >= 2, `meter ${i} reconnected`);
      assert.equal(collector.checkChain(meter.address, drain.lastSeqs[i]!), []);
      written += drain.lastSeqs[i]! + 1;
      received += collector.records.get(meter.address)?.size ?? 0;
      assert.equal(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
      // Every ack the subscriber sent named the digest the meter holds.
      const delivery = meter.firmwareStatus() as unknown as { ackRefused: number; problem?: string };
      assert.is(delivery.ackRefused, 0, delivery.problem);
    }
    console.log(`  ${METERS} meters, ${OUTAGE_SIMULATED_S} s outage: ${written} records written, ${received} received, ${written - received} lost`);
    assert.equal(collector.problems, []);
    assert.equal(received, written);
  } finally {
    await fleet.stop();
    await subscriber.endAsync(true);
    await broker.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
});

test.run();
