/**
 * 200 simulated meters, each running the built firmware bundle in its own vm context, publish to the machine's
 * Mosquitto (127.0.0.1:1883); an independent subscriber decodes every record, verifies every seal signature and
 * walks every hash chain from seq 0. Simulated time runs 10× real time (2 s samples, 20 s intervals).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFirmwareBundle } from '../../device/sim/firmwareBundle.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { createRecordCollector, waitFor } from './recordCollector.ts';

const METERS = 200;
const RUN_MS = 12000;

test('200 meters publish to Mosquitto: every record decodes, every seal verifies, every chain is intact', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'pet-fleet-'));
  const firmwareCode = await loadFirmwareBundle(join(workDir, 'dist'));
  const keysSeed = `fleet-${process.pid}-${Date.now()}`;
  // Addresses are known before the meters boot (deterministic demo keys), so the subscriber is there first.
  const addresses = new Set(Array.from({ length: METERS }, (_, index) => deriveMeterKey(keysSeed, index).address));
  const collector = createRecordCollector(addresses);
  const subscriber = await collector.connect('mqtt://127.0.0.1:1883', `fleet-test-${process.pid}`);
  const fleet = await startSimulatedMeters({
    meters: METERS,
    brokerUrl: 'mqtt://127.0.0.1:1883',
    speed: 2,
    sampleSeconds: 1,
    intervalSeconds: 20,
    keysSeed,
    dataDir: join(workDir, 'meters'),
    firmwareCode,
  });
  const startedMs = Date.now();
  try {
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    const written = fleet.meters.map((meter) => meter.writtenSeq());
    const isDelivered = () => fleet.meters.every((meter, i) => (collector.records.get(meter.address)?.size ?? 0) >= written[i]! + 1);
    await waitFor(isDelivered, 40000);
    const elapsedS = (Date.now() - startedMs) / 1000;
    const total = written.reduce((sum, seq) => sum + seq + 1, 0);
    let seals = 0;
    for (const byMeter of collector.records.values()) for (const entry of byMeter.values()) if (entry.record.kind === 'seal') seals++;
    console.log(`  ${METERS} meters: ${total} records (${seals} seals) in ${elapsedS.toFixed(1)} s real = ${(total / elapsedS).toFixed(0)} records/s`);
    assert.equal(collector.problems, []);
    for (let i = 0; i < fleet.meters.length; i++) {
      const meter = fleet.meters[i]!;
      assert.ok(written[i]! >= 15, `meter ${meter.index} wrote ${written[i]! + 1} records`);
      assert.equal(collector.checkChain(meter.address, written[i]!), []);
      assert.equal(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
    }
    assert.ok(seals >= METERS, `expected at least 1 seal a meter, got ${seals}`);
  } finally {
    await fleet.stop();
    await subscriber.endAsync();
    rmSync(workDir, { recursive: true, force: true });
  }
});

test.run();
