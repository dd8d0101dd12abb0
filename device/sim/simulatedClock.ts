/**
 * Simulated time for meters in `vm` contexts: `getTime()` runs `speed` times faster than the real clock, from
 * `startS`, and timers fire after their delay divided by `speed`. Records carry this simulated time, so their
 * timestamps stay consistent with the energy they report however fast the simulation runs.
 */
export interface SimulatedClock {
  /** Simulated Unix time, seconds (fractional). */
  nowS(): number;
  /** Real milliseconds for a simulated delay. */
  realDelayMs(simulatedMs: number): number;
  speed: number;
}

export function createSimulatedClock(startS: number, speed: number): SimulatedClock {
  if (!(speed > 0)) throw new Error(`speed: expected a positive number, got ${speed}`);
  const realStartMs = performance.now();
  return {
    nowS: () => startS + ((performance.now() - realStartMs) / 1000) * speed,
    realDelayMs: (simulatedMs: number) => Math.max(0, simulatedMs / speed),
    speed,
  };
}
