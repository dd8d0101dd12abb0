/**
 * Discrete-event time for a fleet's offline phase: the timers of every meter context go into one queue ordered
 * by due time (then by the order they were set, so `setTimeout(f, 0)` runs after what is already due) and are
 * run in that order as fast as the CPU allows, the clock jumping to each timer's due time. A meter therefore does
 * exactly what it would do in that much real time, however loaded the machine is. The queue yields to the Node
 * event loop every few milliseconds of real time, so the process stays responsive.
 *
 * At the end time the clock goes live: every pending timer becomes a Node timer for what is left of its delay,
 * and timers set from then on are Node timers directly.
 */
import type { VirtualClock } from './simulatedClock.ts';
import type { SimulatedTimers, TimerHandle } from './simulatedTimers.ts';

/** Real milliseconds of work between two yields to the event loop. */
const DEFAULT_SLICE_MS = 10;

interface QueuedTimer {
  callback: () => void;
  /** Simulated period, ms; 0 for a one-shot timer. */
  periodMs: number;
  /** Simulated Unix time it is due, ms. */
  dueMs: number;
  order: number;
  isStopped: boolean;
  nodeTimer: NodeJS.Timeout | undefined;
}

export interface VirtualRunResult {
  /** Timer callbacks run in virtual time. */
  firedTimers: number;
  /** Real time the virtual phase took, ms. */
  realMs: number;
  /** True when `signal` ended the run early: the clock stays virtual and no timer runs any more. */
  isAborted: boolean;
}

export interface VirtualTimerQueue extends SimulatedTimers {
  /**
   * Runs every timer due up to `endS` (simulated Unix seconds) in time order, sets the clock to `endS` and
   * goes live. `signal` ends the run early.
   */
  runUntil(endS: number, options?: { sliceMs?: number; signal?: AbortSignal }): Promise<VirtualRunResult>;
}

function isEarlier(a: QueuedTimer, b: QueuedTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}

/** A binary min-heap of timers; stopped timers are dropped when they reach the top. */
function createTimerHeap() {
  const items: QueuedTimer[] = [];
  function swap(i: number, j: number): void {
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  function pop(): QueuedTimer | undefined {
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && isEarlier(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && isEarlier(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }
  return {
    items,
    pop,
    push(timer: QueuedTimer): void {
      items.push(timer);
      let i = items.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!isEarlier(items[i]!, items[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    },
    /** The earliest timer still running, or undefined. */
    peek(): QueuedTimer | undefined {
      while (items.length > 0 && items[0]!.isStopped) pop();
      return items[0];
    },
  };
}

export function createVirtualTimerQueue(clock: VirtualClock): VirtualTimerQueue {
  const heap = createTimerHeap();
  let nextOrder = 0;
  let isRunning = false;

  function startNodeTimer(timer: QueuedTimer, firstDelaySimulatedMs: number): void {
    const fire = () => {
      if (timer.isStopped) return;
      if (timer.periodMs === 0) timer.isStopped = true;
      timer.callback();
    };
    if (timer.periodMs === 0) {
      timer.nodeTimer = setTimeout(fire, clock.realDelayMs(firstDelaySimulatedMs));
      return;
    }
    const periodRealMs = Math.max(1, clock.realDelayMs(timer.periodMs));
    if (firstDelaySimulatedMs >= timer.periodMs) {
      timer.nodeTimer = setInterval(fire, periodRealMs);
      return;
    }
    // A repeating timer part-way through its period when the clock went live: the rest of this period first.
    timer.nodeTimer = setTimeout(() => {
      if (timer.isStopped) return;
      timer.nodeTimer = setInterval(fire, periodRealMs);
      fire();
    }, clock.realDelayMs(firstDelaySimulatedMs));
  }

  function goLive(): void {
    clock.goLive();
    const nowMs = clock.nowS() * 1000;
    const pending = heap.items.filter((timer) => !timer.isStopped).sort((a, b) => (isEarlier(a, b) ? -1 : 1));
    heap.items.length = 0;
    // In due order, so Node (which keeps timers of equal delay in insertion order) runs them in the same order.
    for (const timer of pending) startNodeTimer(timer, Math.max(0, timer.dueMs - nowMs));
  }

  return {
    start(callback, simulatedMs, isRepeating) {
      const delayMs = Math.max(0, Number(simulatedMs) || 0);
      const timer: QueuedTimer = {
        callback,
        // Same floor as real intervals: a 0 ms interval would otherwise never let virtual time move.
        periodMs: isRepeating ? Math.max(1, delayMs) : 0,
        dueMs: clock.nowS() * 1000 + delayMs,
        order: nextOrder++,
        isStopped: false,
        nodeTimer: undefined,
      };
      if (clock.isVirtual()) heap.push(timer);
      else startNodeTimer(timer, delayMs);
      return timer;
    },
    stop(handle: TimerHandle | undefined) {
      if (handle === undefined || handle === null || typeof handle !== 'object' || !('isStopped' in handle)) return;
      const timer = handle as QueuedTimer;
      timer.isStopped = true;
      if (timer.nodeTimer !== undefined) {
        clearTimeout(timer.nodeTimer);
        clearInterval(timer.nodeTimer);
        timer.nodeTimer = undefined;
      }
    },
    async runUntil(endS, options = {}) {
      if (isRunning || !clock.isVirtual()) throw new Error('runUntil: the queue already ran or is running');
      isRunning = true;
      const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
      const endMs = endS * 1000;
      const realStartMs = performance.now();
      let sliceEndMs = realStartMs + sliceMs;
      let firedTimers = 0;
      for (;;) {
        if (options.signal?.aborted) return { firedTimers, realMs: performance.now() - realStartMs, isAborted: true };
        const timer = heap.peek();
        if (timer === undefined || timer.dueMs > endMs) break;
        heap.pop();
        clock.advanceTo(timer.dueMs / 1000);
        if (timer.periodMs > 0) {
          // Re-queued before it runs, so a callback that clears its own interval stops it.
          timer.dueMs += timer.periodMs;
          timer.order = nextOrder++;
          heap.push(timer);
        } else {
          timer.isStopped = true;
        }
        timer.callback();
        firedTimers++;
        if (performance.now() >= sliceEndMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceEndMs = performance.now() + sliceMs;
        }
      }
      clock.advanceTo(endS);
      goLive();
      return { firedTimers, realMs: performance.now() - realStartMs, isAborted: false };
    },
  };
}
