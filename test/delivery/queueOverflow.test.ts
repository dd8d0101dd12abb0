/**
 * Issue 9, acceptance 3: meters offline for longer than their flash queue holds. Three meters with a small queue
 * (8 chunks of 4 000 bytes) spend an hour offline and drop their oldest records; two meters with the default queue
 * spend the same hour and drop nothing. When the network returns, the relay must record exactly the ranges the
 * overflowing meters no longer hold — computed from each meter's own figures (it never sent anything, so what it
 * dropped is every seq below its heldFromSeq) — as abandoned gaps with reason `meter_queue_overflow`, both in
 * the `abandoned_gaps` table and in the owner's `GET /api/v1/meters/{address}/delivery`; no more (the other
 * meters have none), no less; and it must store every record the meters still held exactly once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import type { FleetReport } from '../../device/sim/fleetReport.ts';
import { relayHttpUrl } from '../../relay/test/relayProcess.ts';
import { createDeliveryRig } from './deliveryRig.ts';
import { checkFleetStored, drainFleet, freshKeysSeed, producedRange, startFlushingFleet } from './fleetFlush.ts';
import { registerAndSignIn } from './ownerDelivery.ts';

const OVERFLOWING = 3;
const HEALTHY = 2;
const OFFLINE_S = 3600;
const SMALL_QUEUE = { chunkBytes: 4000, maxChunks: 8 };
const DRAIN_TIMEOUT_MS = 120_000;

interface Expected {
  address: string;
  firstSeq: number;
  lastSeq: number;
  /** What the meter no longer holds and never sent: [firstSeq, heldFromSeq − 1], or nothing. */
  gone: { fromSeq: number; toSeq: number }[];
  dropped: number;
}

/** The expectation from a meter's own figures at the moment the network came up (measurement held from then on). */
function expectationAtNetworkUp(report: FleetReport): Expected[] {
  return report.meters.map((meter) => {
    const firstSeq = meter.firstSeq!;
    const lastSeq = meter.lastSeq!;
    assert.is(meter.acknowledgedSeq, meter.heldFromSeq - 1, `meter ${meter.index}: nothing was ever acknowledged, so it holds from just above what it dropped`);
    assert.is(meter.dropped, meter.heldFromSeq - firstSeq, `meter ${meter.index}: its dropped count is the seqs below heldFromSeq`);
    assert.is(meter.queued, lastSeq - meter.heldFromSeq + 1, `meter ${meter.index}: it holds everything from heldFromSeq to its head`);
    const gone = meter.heldFromSeq > firstSeq ? [{ fromSeq: firstSeq, toSeq: meter.heldFromSeq - 1 }] : [];
    return { address: meter.address, firstSeq, lastSeq, gone, dropped: meter.dropped };
  });
}

test('queue overflow while offline: the relay records exactly the ranges the meters dropped as abandoned, stores the rest exactly once', async () => {
  const startedMs = Date.now();
  const rig = await createDeliveryRig({ maxQueuedMessages: 20, relayConnections: 2 });
  const fleets = [];
  try {
    await rig.startRelay();
    const overflowSeed = freshKeysSeed('delivery-overflow');
    const healthySeed = freshKeysSeed('delivery-healthy');
    const addresses = [
      ...Array.from({ length: OVERFLOWING }, (_, i) => deriveMeterKey(overflowSeed, i).address),
      ...Array.from({ length: HEALTHY }, (_, i) => deriveMeterKey(healthySeed, i).address),
    ];
    const owner = await registerAndSignIn(relayHttpUrl(rig.relay!)!, addresses, 'delivery-overflow');

    // Measurement is held the moment the network comes up (synchronously after the fleet resolves): what each
    // meter holds, dropped and produced is then fixed, and the expectation is exact.
    const overflowing = await startFlushingFleet(rig, 'delivery-overflow', { meters: OVERFLOWING, offlineS: OFFLINE_S, queue: SMALL_QUEUE, keysSeed: overflowSeed });
    for (const meter of overflowing.fleet.meters) meter.pauseMeasuring();
    fleets.push(overflowing.fleet);
    const healthy = await startFlushingFleet(rig, 'delivery-healthy', { meters: HEALTHY, offlineS: OFFLINE_S, keysSeed: healthySeed });
    for (const meter of healthy.fleet.meters) meter.pauseMeasuring();
    fleets.push(healthy.fleet);
    const expected = [...expectationAtNetworkUp(overflowing.atNetworkUp), ...expectationAtNetworkUp(healthy.atNetworkUp)];
    for (const meter of expected.slice(0, OVERFLOWING)) assert.ok(meter.dropped > 0, `meter ${meter.address} overflowed (${meter.dropped} dropped)`);
    for (const meter of expected.slice(OVERFLOWING)) assert.is(meter.dropped, 0, `meter ${meter.address} held its hour`);

    const finals = [await drainFleet(rig, overflowing.fleet, DRAIN_TIMEOUT_MS), await drainFleet(rig, healthy.fleet, DRAIN_TIMEOUT_MS)];
    const finalMeters = finals.flatMap((report) => report.meters);
    for (let i = 0; i < expected.length; i++) {
      // Nothing was measured or dropped after the network came up: the expectation still describes the meter.
      assert.is(finalMeters[i]!.lastSeq, expected[i]!.lastSeq);
      assert.is(finalMeters[i]!.dropped, expected[i]!.dropped);
      assert.is(finalMeters[i]!.queued, 0, `meter ${finalMeters[i]!.index}'s flash queue is empty`);
    }

    const rows = await rig.sql`SELECT meter, from_seq, to_seq, reason FROM abandoned_gaps ORDER BY meter, from_seq`;
    const metrics = await rig.deliveryMetrics();
    const { reports, problems } = await checkFleetStored(rig, expected.map((meter) => ({ address: meter.address, firstSeq: meter.firstSeq, lastSeq: meter.lastSeq, gone: meter.gone })));
    console.log(
      `  ${OVERFLOWING} meters with ${SMALL_QUEUE.maxChunks} × ${SMALL_QUEUE.chunkBytes} bytes of queue and ${HEALTHY} with the default, ${OFFLINE_S} s offline: ` +
        `dropped ${expected.map((meter) => meter.dropped).join(', ')}; abandoned rows ${JSON.stringify(rows.map((row) => [Number(row.from_seq), Number(row.to_seq), row.reason]))}; ` +
        `stored ${reports.map((report) => report.stored).join(', ')}; relay ${JSON.stringify(metrics)}; test ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
    );

    for (const meter of expected) {
      const reason = meter.dropped > 0 ? 'meter_queue_overflow' : 'meter_no_longer_holds';
      const expectedGaps = meter.gone.map((gap) => ({ ...gap, reason }));
      const inTable = rows.filter((row) => row.meter === meter.address).map((row) => ({ fromSeq: Number(row.from_seq), toSeq: Number(row.to_seq), reason: row.reason }));
      assert.equal(inTable, expectedGaps, `abandoned_gaps of ${meter.address}: exactly what it dropped`);
      const answer = await owner.delivery(meter.address);
      assert.equal(answer.abandonedGaps.map((gap) => ({ fromSeq: gap.fromSeq, toSeq: gap.toSeq, reason: gap.reason })), expectedGaps, `the delivery API of ${meter.address}`);
      assert.equal(answer.openGaps, [], `no gap of ${meter.address} left open`);
      assert.is(answer.contiguousSeq, meter.lastSeq, `the watermark of ${meter.address} passed the abandoned range to its last record`);
      assert.is(answer.lastSeq, meter.lastSeq);
      assert.is(answer.recordsStored, meter.lastSeq - meter.firstSeq + 1 - meter.dropped);
    }
    assert.equal(problems, [], 'every record the meters still held stored exactly once, nothing they dropped, chains intact, seals signed');
    assert.is(metrics.pet_relay_gaps_abandoned_total, OVERFLOWING, 'one abandoned range per overflowing meter');
  } finally {
    for (const fleet of fleets) await fleet.stop();
    await rig.dispose();
  }
});

test.run();
