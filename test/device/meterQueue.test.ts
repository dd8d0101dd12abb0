/**
 * The firmware's queue end to end, in the simulator against an in-process aedes: a meter offline long enough to
 * fill its (deliberately small) queue drops its oldest records, says so on the status topic (docs/protocol.md §4)
 * and sends the rest with the chain intact; a power cut mid-stream resumes the chain from flash with no seq
 * reused or skipped and registers that continue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';
import { startAedes } from './aedesBroker.ts';
import { pauseAndDrain } from './fleetDrain.ts';
import { freshFirmwareCode } from './freshFirmware.ts';
import { findFreePort } from './mosquittoProcess.ts';
import { createRecordCollector, waitFor } from './recordCollector.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let firmwareCode: string;
const workDir = mkdtempSync(join(tmpdir(), 'pet-queue-'));

test.before(async () => {
  firmwareCode = await freshFirmwareCode();
});
test.after(() => rmSync(workDir, { recursive: true, force: true }));

test('offline until the queue is full: oldest records dropped, the count on status, the rest delivered with the chain intact', async () => {
  const port = await findFreePort(); // nothing listens yet: the broker is "down" from the start
  const keysSeed = `overflow-${process.pid}-${Date.now()}`;
  const address = deriveMeterKey(keysSeed, 0).address;
  const fleet = await startSimulatedMeters({
    meters: 1,
    brokerUrl: `mqtt://127.0.0.1:${port}`,
    speed: 10,
    sampleSeconds: 1,
    intervalSeconds: 20,
    keysSeed,
    dataDir: join(workDir, 'overflow'),
    firmwareCode,
    queue: { chunkBytes: 1500, maxChunks: 3 },
    mqtt: { backoffMinS: 1, backoffMaxS: 8 },
  });
  const broker = { stop: async () => {} };
  const collector = createRecordCollector(new Set([address]));
  let subscriber: Awaited<ReturnType<typeof collector.connect>> | undefined;
  try {
    await sleep(4000); // 40 simulated seconds of records into a queue that holds about a dozen
    const offline = fleet.meters[0]!.firmwareStatus()!;
    assert.ok(offline.dropped > 0, `dropped ${offline.dropped} while offline`);
    const started = await startAedes(port);
    broker.stop = started.stop;
    subscriber = await collector.connect(started.url, `overflow-test-${process.pid}`);
    const drain = await pauseAndDrain(fleet.meters, 20000);
    assert.equal(drain.stuck, []);
    const lastSeq = drain.lastSeqs[0]!;
    const dropped = fleet.meters[0]!.firmwareStatus()!.dropped;
    assert.ok(await waitFor(() => (collector.records.get(address)?.size ?? 0) >= lastSeq + 1 - dropped, 5000), 'the kept records arrived');
    const received = [...collector.records.get(address)!.keys()].sort((a, b) => a - b);
    assert.is(received[0], dropped, 'the oldest records went first: the first one received follows the dropped ones');
    assert.is(received[received.length - 1], lastSeq);
    assert.equal(collector.checkChain(address, lastSeq, dropped), []);
    assert.equal(collector.problems, []);
    assert.ok(await waitFor(() => collector.statuses[address] !== undefined, 5000), 'a status arrived');
    const status = collector.statuses[address] as Record<string, unknown>;
    assert.equal(Object.keys(status).sort(), ['dropped', 'heldFromSeq', 'queued', 'seq', 'state', 'uptimeS', 'v']);
    assert.is(status.v, 1);
    assert.is(status.state, 'online');
    assert.ok((status.dropped as number) > 0 && (status.dropped as number) <= dropped, `status says dropped ${status.dropped}`);
    // Everything below heldFromSeq is gone from the meter: the dropped records at least.
    assert.ok((status.heldFromSeq as number) >= (status.dropped as number), `status says held from ${status.heldFromSeq}`);
    assert.is(fleet.meters[0]!.stats().context.uncaughtErrors, 0, fleet.meters[0]!.stats().context.lastError);
  } finally {
    await fleet.stop();
    await subscriber?.endAsync(true);
    await broker.stop();
  }
});

test('a power cut mid-stream: the meter boots from flash, no seq reused or skipped, registers continue', async () => {
  const broker = await startAedes();
  const keysSeed = `powercut-${process.pid}-${Date.now()}`;
  const address = deriveMeterKey(keysSeed, 0).address;
  const collector = createRecordCollector(new Set([address]));
  const subscriber = await collector.connect(broker.url, `powercut-test-${process.pid}`);
  const fleet = await startSimulatedMeters({ meters: 1, brokerUrl: broker.url, speed: 10, sampleSeconds: 1, intervalSeconds: 10, keysSeed, dataDir: join(workDir, 'powercut'), firmwareCode });
  const meter = fleet.meters[0]!;
  try {
    await sleep(2000);
    meter.powerOff();
    const seqAtCut = meter.writtenSeq();
    await sleep(300);
    meter.powerOn();
    await sleep(2000);
    const drain = await pauseAndDrain(fleet.meters, 20000);
    assert.equal(drain.stuck, []);
    const lastSeq = drain.lastSeqs[0]!;
    assert.ok(lastSeq > seqAtCut + 5, `records after the reboot (cut at ${seqAtCut}, last ${lastSeq})`);
    assert.ok(await waitFor(() => (collector.records.get(address)?.size ?? 0) >= lastSeq + 1, 5000));
    // Any record sent twice (before and after the cut) must be byte-identical: the collector reports otherwise.
    assert.equal(collector.problems, []);
    assert.equal(collector.checkChain(address, lastSeq), []);
    const records: MeterRecord[] = [];
    for (let seq = 0; seq <= lastSeq; seq++) records.push(collector.records.get(address)!.get(seq)!.record);
    let importWh = 0;
    let exportWh = 0;
    let previousSeal: MeterRecord | undefined;
    for (const record of records) {
      if (record.kind === 'sample') {
        assert.ok(record.importWh >= importWh && record.exportWh >= exportWh, `registers never go back (seq ${record.seq})`);
        importWh = record.importWh;
        exportWh = record.exportWh;
      } else {
        assert.is(record.importEndWh, importWh, `seal ${record.seq} closes at the last sample's registers`);
        if (previousSeal?.kind === 'seal') assert.is(record.importStartWh, previousSeal.importEndWh, `seal ${record.seq} continues the previous seal`);
        previousSeal = record;
      }
    }
    assert.is(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
  } finally {
    await fleet.stop();
    await subscriber.endAsync(true);
    await broker.stop();
  }
});

test.run();
