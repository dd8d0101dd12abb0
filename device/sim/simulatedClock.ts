/**
 * Simulated time for meters in `vm` contexts: `getTime()` runs `speed` times faster than the real clock, from
 * `startS`, and timers fire after their delay divided by `speed`. Records carry this simulated time, so their
 * timestamps stay consistent with the energy they report however fast the simulation runs.
 *
 * A virtual clock starts in virtual time instead: it stands still until the fleet's timer queue moves it
 * (device/sim/virtualTimerQueue.ts, as fast as the CPU allows), and runs in real time at `speed` from the
 * moment it goes live.
 */
export interface SimulatedClock {
  /** Simulated Unix time, seconds (fractional). */
  nowS(): number;
  /** Real milliseconds for a simulated delay. */
  realDelayMs(simulatedMs: number): number;
  speed: number;
  /** True while time only moves when the timer queue moves it. */
  isVirtual(): boolean;
}

export interface VirtualClock extends SimulatedClock {
  /** Sets virtual time (never backwards); only while virtual. */
  advanceTo(timeS: number): void;
  /** From now on the clock runs in real time at `speed`, continuing from the current virtual time. */
  goLive(): void;
}

function checkSpeed(speed: number): void {
  if (!(speed > 0)) throw new Error(`speed: expected a positive number, got ${speed}`);
}

export function createSimulatedClock(startS: number, speed: number): SimulatedClock {
  checkSpeed(speed);
  const realStartMs = performance.now();
  return {
    nowS: () => startS + ((performance.now() - realStartMs) / 1000) * speed,
    realDelayMs: (simulatedMs: number) => Math.max(0, simulatedMs / speed),
    speed,
    isVirtual: () => false,
  };
}

/** A clock at `startS` that stays virtual until `goLive()`. */
export function createVirtualClock(startS: number, speed: number): VirtualClock {
  checkSpeed(speed);
  let virtualNowS = startS;
  let liveStartS = startS;
  let realStartMs: number | undefined;
  return {
    nowS: () => (realStartMs === undefined ? virtualNowS : liveStartS + ((performance.now() - realStartMs) / 1000) * speed),
    realDelayMs: (simulatedMs: number) => Math.max(0, simulatedMs / speed),
    speed,
    isVirtual: () => realStartMs === undefined,
    advanceTo(timeS: number): void {
      if (realStartMs !== undefined) throw new Error('advanceTo: the clock already runs in real time');
      if (timeS > virtualNowS) virtualNowS = timeS;
    },
    goLive(): void {
      if (realStartMs !== undefined) return;
      liveStartS = virtualNowS;
      realStartMs = performance.now();
    },
  };
}
