/**
 * The offline phase's timer queue: time order (ties in the order set), intervals at exact multiples of their
 * period, cancellation from inside a callback, and the hand-over to real timers when the clock goes live.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createVirtualClock } from './simulatedClock.ts';
import { createVirtualTimerQueue } from './virtualTimerQueue.ts';

test('runs timers in due order, ties in the order they were set, the clock at each due time', async () => {
  const clock = createVirtualClock(1000, 1);
  const queue = createVirtualTimerQueue(clock);
  const seen: string[] = [];
  queue.start(() => seen.push(`b@${clock.nowS()}`), 2000, false);
  queue.start(() => {
    seen.push(`a@${clock.nowS()}`);
    queue.start(() => seen.push(`a0@${clock.nowS()}`), 0, false);
  }, 1000, false);
  queue.start(() => seen.push(`c@${clock.nowS()}`), 1000, false);
  const run = await queue.runUntil(1010);
  assert.equal(seen, ['a@1001', 'c@1001', 'a0@1001', 'b@1002']);
  assert.is(run.firedTimers, 4);
  assert.is(run.isAborted, false);
  assert.is(clock.isVirtual(), false);
  assert.ok(clock.nowS() >= 1010);
});

test('an interval fires at every multiple of its period up to the end, and stops when cleared from its own callback', async () => {
  const clock = createVirtualClock(0, 1);
  const queue = createVirtualTimerQueue(clock);
  const ticks: number[] = [];
  const stopped: number[] = [];
  const ticker = queue.start(() => ticks.push(clock.nowS()), 250, true);
  const handle = queue.start(() => {
    stopped.push(clock.nowS());
    if (stopped.length === 3) queue.stop(handle);
  }, 1000, true);
  await queue.runUntil(10);
  assert.is(ticks.length, 40);
  assert.equal(ticks.slice(0, 4), [0.25, 0.5, 0.75, 1]);
  assert.is(ticks[39], 10);
  assert.equal(stopped, [1, 2, 3]);
  queue.stop(ticker); // a real interval since the clock went live
});

test('going live: a pending timer becomes a real timer for the rest of its delay; a stopped one never fires', async () => {
  const clock = createVirtualClock(0, 100);
  const queue = createVirtualTimerQueue(clock);
  const fired: string[] = [];
  let resolveLive: () => void = () => {};
  const live = new Promise<void>((resolve) => (resolveLive = resolve));
  queue.start(() => {
    fired.push('pending');
    resolveLive();
  }, 60_000, false);
  const stopped = queue.start(() => fired.push('stopped'), 30_000, false);
  queue.stop(stopped);
  await queue.runUntil(50);
  assert.equal(fired, [], 'nothing was due before the end');
  await live; // 10 simulated s left at 100×: about 100 real ms
  assert.equal(fired, ['pending']);
  assert.ok(clock.nowS() > 59, `fired at simulated ${clock.nowS()} s`); // Node timers may fire up to 1 real ms early
});

test('an aborted run leaves the clock virtual and runs nothing more', async () => {
  const clock = createVirtualClock(0, 1);
  const queue = createVirtualTimerQueue(clock);
  const controller = new AbortController();
  let count = 0;
  queue.start(() => {
    count++;
    if (count === 5) controller.abort();
  }, 1000, true);
  const run = await queue.runUntil(3600, { signal: controller.signal });
  assert.is(run.isAborted, true);
  assert.is(count, 5);
  assert.is(clock.isVirtual(), true);
  assert.is(clock.nowS(), 5);
});

test.run();
