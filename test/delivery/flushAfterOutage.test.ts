/**
 * Issue 9, acceptance 1: 50 meters that each hold an hour of buffered readings (10 s samples, 15-minute seals:
 * about 364 records a meter, made by the firmware itself in virtual time while the network was down) come online
 * at once and flush through a Mosquitto of the test's own whose queues are tiny (max_queued_messages 20), so it
 * certainly drops messages it has already PUBACKed — its log says so. The relay runs as a child process on
 * PostgreSQL. At the end every record of every meter is stored exactly once (nothing missing, nothing twice),
 * every chain links and every seal verifies (checked independently with noble), and every meter's flash queue is
 * empty: the relay's watermark, not the broker's PUBACK, released them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDeliveryRig } from './deliveryRig.ts';
import { ACCEPTANCE_FLEET, ACCEPTANCE_RIG, assertFlushedExactlyOnce, finishFlush, startFlushingFleet } from './fleetFlush.ts';

const { meters: METERS, offlineS: OFFLINE_S } = ACCEPTANCE_FLEET;

test('50 meters flush an hour of readings through a dropping broker: all stored exactly once, chains intact, queues empty', async () => {
  const startedMs = Date.now();
  const rig = await createDeliveryRig(ACCEPTANCE_RIG);
  let fleet;
  try {
    await rig.startRelay();
    const started = await startFlushingFleet(rig, 'delivery-flush', { meters: METERS, offlineS: OFFLINE_S });
    fleet = started.fleet;
    const atNetworkUp = started.atNetworkUp;
    const offlineRealS = atNetworkUp.offlineRealMs / 1000;
    for (const meter of atNetworkUp.meters) {
      // The backlog is real: an hour of 10 s samples and its seals sits in flash, none acknowledged, none dropped.
      assert.ok(meter.produced >= OFFLINE_S / 10, `meter ${meter.index} produced ${meter.produced} records offline`);
      assert.is(meter.queued, meter.produced, `meter ${meter.index} holds its whole backlog`);
      assert.is(meter.dropped, 0);
    }

    const outcome = await finishFlush(rig, fleet);
    const { final, drops, metrics, reports, stored, expected } = outcome;
    const flushS = outcome.drainMs / 1000;
    console.log(
      `  ${METERS} meters × ${OFFLINE_S} s offline: ${atNetworkUp.totals.produced} records buffered (offline phase ${offlineRealS.toFixed(1)} s real), ` +
        `${final.totals.produced} produced in all, ${stored} stored of ${expected} expected, ${reports.reduce((sum, report) => sum + report.seals, 0)} seals; ` +
        `flush ${flushS.toFixed(1)} s; broker dropped for ${drops.size} clients (${[...drops.values()].reduce((a, b) => a + b, 0)} log lines); relay ${JSON.stringify(metrics)}; ` +
        `test ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
    );
    await assertFlushedExactlyOnce(rig, outcome);
    for (const meter of final.meters) assert.is(meter.dropped, 0, `meter ${meter.index} dropped nothing`);
    for (const meter of fleet.meters) assert.is(meter.stats().context.uncaughtErrors, 0, meter.stats().context.lastError);
  } finally {
    await fleet?.stop();
    await rig.dispose();
  }
});

test.run();
