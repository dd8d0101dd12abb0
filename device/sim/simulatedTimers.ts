/**
 * Where a simulated meter's `setTimeout`/`setInterval` go. Real timers (the default): Node timers, the simulated
 * delay divided by the clock's speed. A fleet with an offline phase shares one virtual queue instead
 * (device/sim/virtualTimerQueue.ts).
 */
import type { SimulatedClock } from './simulatedClock.ts';

/** An opaque timer handle, what the firmware gets back from `setTimeout`/`setInterval`. */
export type TimerHandle = object;

export interface SimulatedTimers {
  /** Runs `callback` after `simulatedMs` (and every `simulatedMs` when repeating). */
  start(callback: () => void, simulatedMs: number, isRepeating: boolean): TimerHandle;
  /** Cancels a timer; unknown or finished handles are ignored, as Espruino's clearTimeout does. */
  stop(handle: TimerHandle | undefined): void;
}

/** Node timers on `clock`'s speed. */
export function createRealTimers(clock: SimulatedClock): SimulatedTimers {
  return {
    start(callback, simulatedMs, isRepeating) {
      const realMs = clock.realDelayMs(simulatedMs);
      return isRepeating ? setInterval(callback, Math.max(1, realMs)) : setTimeout(callback, realMs);
    },
    stop(handle) {
      if (handle === undefined) return;
      clearTimeout(handle as NodeJS.Timeout);
      clearInterval(handle as NodeJS.Timeout);
    },
  };
}
