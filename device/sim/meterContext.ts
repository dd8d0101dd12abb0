/**
 * One simulated meter: a Node `vm` context holding only Espruino's globals and shims for the hardware (ADC,
 * Storage folder, `net`/`tls` over real TCP, native SHA-256, timers and `getTime()` on simulated time), in
 * which the firmware bundle runs unchanged. Timers go to Node (scaled by the clock's speed) or, for a fleet with
 * an offline phase, to the fleet's virtual timer queue.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import vm from 'node:vm';
import type { NetStats } from './espruinoNet.ts';
import { createEspruinoNet } from './espruinoNet.ts';
import type { SimulatedClock } from './simulatedClock.ts';
import type { SimulatedTimers, TimerHandle } from './simulatedTimers.ts';
import { createRealTimers } from './simulatedTimers.ts';
import type { StorageFolder } from './storageFolder.ts';

/** Globals of V8 that Espruino 2v29 lacks (DESIGN §9): removed so the firmware cannot lean on them. */
const MISSING_ON_ESPRUINO = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Proxy', 'Reflect', 'BigInt', 'Symbol', 'RangeError', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'globalThis'];

/** ESP32 builds have 16 383 variables of ~14 bytes (DESIGN §9); the simulator does not model them. */
const ESP32_VARIABLES = 16383;

export interface MeterContextOptions {
  name: string;
  clock: SimulatedClock;
  storage: StorageFolder;
  analogRead: (pin: unknown) => number;
  /** Where the firmware's timers go (default Node timers on `clock`'s speed). */
  timers?: SimulatedTimers;
  /** Whether the network is up (default always): while down, `net.connect` fails as for an unreachable host. */
  isNetworkUp?: () => boolean;
  /** Prints of the firmware: ignored unless given. */
  onLog?: (line: string) => void;
}

export interface MeterContextStats {
  net: NetStats;
  uncaughtErrors: number;
  lastError: string | undefined;
}

export interface MeterContext {
  /** Runs the compiled firmware in this context. */
  run(script: vm.Script): void;
  /** Stops every timer and closes every socket: the board loses power. */
  powerOff(): void;
  /** A global of the firmware (what typing its name at the Espruino prompt shows), or undefined. */
  readGlobal(name: string): unknown;
  stats: MeterContextStats;
}

/** Builds the context; nothing runs until `run`. */
export function createMeterContext(options: MeterContextOptions): MeterContext {
  const clock = options.clock;
  const stats: MeterContextStats = { net: { connects: 0, unreachableAttempts: 0, bytesSent: 0, bytesReceived: 0 }, uncaughtErrors: 0, lastError: undefined };
  const timerQueue = options.timers ?? createRealTimers(clock);
  const timers = new Set<TimerHandle>();
  const sockets = new Set<Socket>();
  let clockOffsetS = 0;
  let isPoweredOff = false;

  const log = (...values: unknown[]) => options.onLog?.(`${options.name} ${values.map(String).join(' ')}`);

  // Espruino prints an uncaught exception and keeps running its event loop; so does the simulated meter.
  function guard(callback: (...args: any[]) => void, ...args: unknown[]): void {
    if (isPoweredOff) return;
    try {
      callback(...args);
    } catch (error) {
      stats.uncaughtErrors++;
      const failure = error as { stack?: string; message?: string; code?: string } | undefined;
      stats.lastError = failure?.stack ?? (failure?.code ? `${failure.code}: ${failure.message}` : String(error));
      log('Uncaught', stats.lastError);
    }
  }

  function startTimer(callback: () => void, simulatedMs: number, isRepeating: boolean): TimerHandle {
    const timer: TimerHandle = isRepeating
      ? timerQueue.start(() => guard(callback), Number(simulatedMs) || 0, true)
      : timerQueue.start(() => {
          timers.delete(timer);
          guard(callback);
        }, Number(simulatedMs) || 0, false);
    timers.add(timer);
    return timer;
  }

  function stopTimer(timer: TimerHandle | undefined): void {
    if (timer === undefined || timer === null) return;
    timerQueue.stop(timer);
    timers.delete(timer);
  }

  const isNetworkUp = options.isNetworkUp ?? (() => true);
  const link = { isUp: isNetworkUp, later: (callback: () => void, simulatedMs: number) => void startTimer(callback, simulatedMs, false) };

  const modules: Record<string, unknown> = {
    Storage: options.storage,
    crypto: {
      SHA256: (data: ArrayLike<number> | string) => {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(Array.prototype.slice.call(data) as number[]);
        const digest = createHash('sha256').update(bytes).digest();
        return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length);
      },
    },
    net: createEspruinoNet(guard, stats.net, false, sockets, link),
    tls: createEspruinoNet(guard, stats.net, true, sockets, link),
  };

  const sandbox: Record<string, unknown> = {
    console: { log, warn: log, error: log },
    print: log,
    getTime: () => clock.nowS() + clockOffsetS,
    setTime: (timeS: number) => {
      clockOffsetS = timeS - clock.nowS();
    },
    setTimeout: (callback: () => void, ms: number) => startTimer(callback, ms, false),
    setInterval: (callback: () => void, ms: number) => startTimer(callback, ms, true),
    clearTimeout: stopTimer,
    clearInterval: stopTimer,
    analogRead: options.analogRead,
    // Espruino's atob/btoa work on binary strings (char codes 0 … 255), as Node's do.
    atob: (text: string) => Buffer.from(String(text), 'base64').toString('latin1'),
    btoa: (binary: string) => Buffer.from(String(binary), 'latin1').toString('base64'),
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`Module ${name} not found`);
      return modules[name];
    },
    E: {
      getSizeOf: () => 0,
      kickWatchdog: () => {},
      enableWatchdog: () => {},
      on: () => {},
      reboot: () => {},
    },
    process: {
      version: '2v29-sim',
      env: { BOARD: 'ESP32-SIM' },
      memory: () => ({ free: ESP32_VARIABLES, usage: 0, total: ESP32_VARIABLES, history: 0, gc: 0, gctime: 0, blocksize: 14 }),
    },
  };
  sandbox.global = sandbox;
  const context = vm.createContext(sandbox, { name: options.name });
  // `this` at the top level of a script is the context's global; globalThis goes last.
  vm.runInContext(MISSING_ON_ESPRUINO.map((name) => `delete this.${name};`).join('\n'), context);

  return {
    run(script: vm.Script): void {
      guard(() => script.runInContext(context));
    },
    powerOff(): void {
      isPoweredOff = true;
      for (const timer of timers) stopTimer(timer);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    readGlobal: (name: string) => (isPoweredOff ? undefined : sandbox[name]),
    stats,
  };
}
