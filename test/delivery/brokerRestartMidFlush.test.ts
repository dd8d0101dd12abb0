/**
 * Issue 9, acceptance 2 (broker): the flush of acceptance 1 — 50 meters, an hour of buffered readings each,
 * through a Mosquitto of the test's own that drops beyond 20 queued messages a client — with the broker stopped
 * in mid-flush and started again on the same port (persistence on: sessions and queued messages survive, as in
 * production). Every meter and the relay lose their connections and come back by themselves. At the end every
 * record of every meter is stored exactly once, every chain intact, every meter's queue empty.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDeliveryRig } from './deliveryRig.ts';
import { ACCEPTANCE_FLEET, ACCEPTANCE_RIG, assertFlushedExactlyOnce, finishFlush, startFlushingFleet, storedRecordCount, waitForStored } from './fleetFlush.ts';

const { meters: METERS, offlineS: OFFLINE_S } = ACCEPTANCE_FLEET;
const DOWN_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('broker stopped in mid-flush and started again: every record stored exactly once, chains intact, queues empty', async () => {
  const startedMs = Date.now();
  const rig = await createDeliveryRig(ACCEPTANCE_RIG);
  let fleet;
  try {
    await rig.startRelay();
    const started = await startFlushingFleet(rig, 'delivery-broker-restart', { meters: METERS, offlineS: OFFLINE_S });
    fleet = started.fleet;
    const backlog = started.atNetworkUp.totals.produced;

    const atStop = await waitForStored(rig, Math.floor(backlog / 3), 120_000);
    await rig.broker.stop();
    const queuedAtStop = fleet.report().totals.queued;
    assert.ok(atStop > 0 && atStop < backlog, `the broker stopped in mid-flush (${atStop} of ${backlog} stored)`);
    await sleep(DOWN_MS);
    await rig.broker.start();
    // The relay's sessions (and their shared subscriptions) must carry on after the restart: records flow again.
    const atRestart = await storedRecordCount(rig);
    const soonAfter = await waitForStored(rig, atRestart + 1, 60_000);
    assert.ok(soonAfter > atRestart, `the relay stores records again after the broker restart (${atRestart} stored at the restart, still ${soonAfter} a minute later)`);

    const outcome = await finishFlush(rig, fleet);
    const { drops, metrics, stored, expected } = outcome;
    const reconnected = fleet.meters.filter((meter) => (meter.firmwareStatus()?.mqtt.connects ?? 0) >= 2).length;
    console.log(
      `  ${METERS} meters, ${backlog} records buffered: broker stopped at ${atStop} stored (${queuedAtStop} still in the meters' flash), down ${DOWN_MS / 1000} s; ` +
        `${reconnected} meters reconnected; ${stored} stored of ${expected} expected; broker dropped for ${drops.size} clients; relay ${JSON.stringify(metrics)}; test ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
    );
    assert.is(reconnected, METERS, 'every meter lost its connection and made a new one');
    await assertFlushedExactlyOnce(rig, outcome);
  } finally {
    await fleet?.stop();
    await rig.dispose();
  }
});

test.run();
