/**
 * Issue 9, acceptance 2 (relay): the flush of acceptance 1 — 50 meters, an hour of buffered readings each,
 * through a Mosquitto of the test's own that drops beyond 20 queued messages a client — with the relay killed
 * with SIGKILL in mid-flush and started again on the same database. What it had stored stays; what it had not
 * acknowledged (PUBACKs held until commit, acks sent only after commit) comes again from the broker or from the
 * meters' flash. At the end every record of every meter is stored exactly once, every chain intact, every
 * meter's queue empty.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDeliveryRig } from './deliveryRig.ts';
import { ACCEPTANCE_FLEET, ACCEPTANCE_RIG, assertFlushedExactlyOnce, finishFlush, startFlushingFleet, waitForStored } from './fleetFlush.ts';

const { meters: METERS, offlineS: OFFLINE_S } = ACCEPTANCE_FLEET;
const DOWN_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('relay killed with SIGKILL in mid-flush and restarted: every record stored exactly once, chains intact, queues empty', async () => {
  const startedMs = Date.now();
  const rig = await createDeliveryRig(ACCEPTANCE_RIG);
  let fleet;
  try {
    await rig.startRelay();
    const started = await startFlushingFleet(rig, 'delivery-relay-crash', { meters: METERS, offlineS: OFFLINE_S });
    fleet = started.fleet;
    const backlog = started.atNetworkUp.totals.produced;

    // Kill once about a third of the backlog is stored: the relay is in the middle of batches and acks.
    const atKill = await waitForStored(rig, Math.floor(backlog / 3), 120_000);
    assert.is(await rig.killRelay(), 'SIGKILL');
    const queuedAtKill = fleet.report().totals.queued;
    assert.ok(atKill > 0 && atKill < backlog, `the kill came in mid-flush (${atKill} of ${backlog} stored)`);
    await sleep(DOWN_MS); // meters keep sending into the broker's (tiny) queues of the dead relay's sessions
    await rig.startRelay();

    const outcome = await finishFlush(rig, fleet);
    const { drops, metrics, stored, expected } = outcome;
    console.log(
      `  ${METERS} meters, ${backlog} records buffered: killed at ${atKill} stored (${queuedAtKill} still in the meters' flash), down ${DOWN_MS / 1000} s; ` +
        `${stored} stored of ${expected} expected; broker dropped for ${drops.size} clients; restarted relay ${JSON.stringify(metrics)}; test ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
    );
    await assertFlushedExactlyOnce(rig, outcome);
  } finally {
    await fleet?.stop();
    await rig.dispose();
  }
});

test.run();
