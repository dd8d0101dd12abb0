/**
 * N simulated meters, each running the real firmware bundle in its own `vm` context against a real broker —
 * the programmatic API the demo and the relay's tests use.
 *
 * With `offlineS`, the meters start that long ago with the network down: the fleet runs in virtual time
 * (device/sim/virtualTimerQueue.ts) as fast as the CPU allows, so each meter's firmware fills its flash queue at
 * its normal cadence, then the clock goes live, the network comes up and the meters connect and flush.
 *
 * @example
 * const fleet = await startSimulatedMeters({ meters: 10, brokerUrl: 'mqtt://127.0.0.1:1883', speed: 60 });
 * console.log(fleet.meters.map((meter) => meter.address));
 * await fleet.stop();
 *
 * @example
 * // An hour of buffered readings per meter, then online; the report once every backlog has left flash.
 * const fleet = await startSimulatedMeters({ meters: 50, brokerUrl, offlineS: 3600 });
 * const report = await fleet.whenFlushed();
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { ProvisionDefaults } from '../src/boot/provisionSettings.ts';
import { buildStorageFiles } from '../src/boot/provisionSettings.ts';
import { QUEUE_PREFIX } from '../src/boot/storedSettings.ts';
import { openStorageRing } from '../src/queue/storageRing.ts';
import { loadFirmwareBundle } from './firmwareBundle.ts';
import type { HouseholdProfile } from './householdProfile.ts';
import { cityLearnProfile, syntheticProfile } from './householdProfile.ts';
import type { FleetReport, MeterReportInput, ReportedStatus } from './fleetReport.ts';
import { fleetReport, isMeterFlushed, meterReport } from './fleetReport.ts';
import type { MeterContext, MeterContextStats } from './meterContext.ts';
import { createMeterContext } from './meterContext.ts';
import { deriveMeterKey } from './meterKeys.ts';
import type { SimulatedClock } from './simulatedClock.ts';
import { createSimulatedClock, createVirtualClock } from './simulatedClock.ts';
import type { SimulatedTimers } from './simulatedTimers.ts';
import type { StorageFolderStats } from './storageFolder.ts';
import { openStorageFolder } from './storageFolder.ts';
import type { VirtualTimerQueue } from './virtualTimerQueue.ts';
import { createVirtualTimerQueue } from './virtualTimerQueue.ts';
import { createWaveformAdc } from './waveformAdc.ts';

/** The firmware's console object (device/src/main.ts). */
const CONSOLE_NAME = 'meterConsole';
const VOLTAGE_PIN = 'D36';
const CURRENT_PIN = 'D39';

export interface SimulatedMetersOptions {
  meters: number;
  /** `mqtt://host:port` (or `mqtts://`). */
  brokerUrl: string;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  sampleSeconds?: number;
  intervalSeconds?: number;
  /** Seed of the deterministic demo keys (default "demo"). */
  keysSeed?: string;
  /** Simulated start time, Unix seconds (default now); with `offlineS`, the time the network comes up. */
  startTimeS?: number;
  /**
   * Seconds the meters have already run with the network down: they boot at startTimeS − offlineS, run in
   * virtual time (no real waiting) to startTimeS, then the clock goes live at `speed` and the network comes up.
   * `startSimulatedMeters` resolves once the network is up.
   */
  offlineS?: number;
  /** Ends the offline phase early: the meters stay offline and frozen, the promise resolves with the fleet. */
  signal?: AbortSignal;
  /** Folder holding one Storage folder per meter (default a fresh temporary folder). Reuse it to resume. */
  dataDir?: string;
  /** CityLearn 2022 folder for load/PV shapes; the built-in synthetic day otherwise. */
  cityLearnDir?: string;
  /** Firmware source; default the built bundle (device/dist/firmware.js, built if missing). */
  firmwareCode?: string;
  /** First meter index (so several fleets can share a seed without sharing keys). */
  firstIndex?: number;
  /** ADC sample pairs per measurement burst (default 100: 5 mains cycles at 20 pairs a cycle). */
  samplePairsPerBurst?: number;
  /** Measurement burst period, simulated ms (default 1000). */
  burstPeriodMs?: number;
  /** MQTT timing overrides, simulated seconds. */
  mqtt?: { keepAliveS?: number; retryS?: number; backoffMinS?: number; backoffMaxS?: number; maxInflight?: number; ackWindowRecords?: number; ackTimeoutS?: number };
  queue?: { chunkBytes?: number; maxChunks?: number };
  onLog?: (line: string) => void;
}

export interface SimulatedMeterStats {
  context: MeterContextStats;
  storage: StorageFolderStats;
}

export interface SimulatedMeter {
  index: number;
  address: string;
  privateKeyHex: string;
  storageDir: string;
  stats(): SimulatedMeterStats;
  /** Cuts power: timers and sockets stop; flash (the Storage folder) stays. */
  powerOff(): void;
  /** Boots the firmware again from its flash, as after a power cut. */
  powerOn(): void;
  /** Highest seq the meter has written to its flash queue (−1 before the first record). */
  writtenSeq(): number;
  /**
   * The firmware's own figures (its `meterConsole.status()`): highest seq written, records queued (written, not
   * yet acknowledged), dropped, signed seals, connection state; undefined while powered off or not yet booted.
   */
  firmwareStatus(): FirmwareStatus | undefined;
  /** Holds measurement: no new records; queued ones keep going out. */
  pauseMeasuring(): void;
  resumeMeasuring(): void;
}

/** What the firmware reports through its console object (device/src/main.ts). */
export interface FirmwareStatus {
  seq: number;
  queued: number;
  acknowledgedSeq: number;
  sentSeq: number;
  dropped: number;
  signedSeals: number;
  isConnected: boolean;
  mqtt: { connects: number; disconnects: number; published: number; retransmitted: number; acknowledged: number };
  problem: string | undefined;
}

export interface SimulatedFleet {
  meters: SimulatedMeter[];
  clock: SimulatedClock;
  dataDir: string;
  /** Per meter: seqs produced in this run, still queued, acknowledged, dropped; totals. Also after `stop()`. */
  report(): FleetReport;
  /**
   * Resolves with the report once every meter is flushed: everything it held when the network came up (at
   * least its first record of this run) has left its flash; or once the fleet stops. Checks every `pollMs`
   * (default 200) real ms.
   */
  whenFlushed(pollMs?: number): Promise<FleetReport>;
  stop(): Promise<void>;
}

function readProvisionDefaults(): ProvisionDefaults {
  const configPath = fileURLToPath(new URL('../../espruino.config.json', import.meta.url));
  const parsed = JSON.parse(readFileSync(configPath, 'utf8'));
  return { meter: parsed.meter ?? {}, queue: parsed.queue ?? {}, mqtt: parsed.mqtt ?? {} };
}

/** Starts the fleet; resolves once every meter's firmware has booted (with `offlineS`: once the network is up). */
export async function startSimulatedMeters(options: SimulatedMetersOptions): Promise<SimulatedFleet> {
  if (!Number.isInteger(options.meters) || options.meters < 1) {
    throw Object.assign(new Error(`meters: expected a positive integer, got ${options.meters}`), { code: 'bad_option' });
  }
  const offlineS = options.offlineS ?? 0;
  if (!(offlineS >= 0) || !Number.isFinite(offlineS)) {
    throw Object.assign(new Error(`offlineS: expected a non-negative number of seconds, got ${options.offlineS}`), { code: 'bad_option' });
  }
  const speed = options.speed ?? 1;
  // Without an offline phase the clock starts before the bundle loads, as it always has.
  const realClock = offlineS > 0 ? undefined : createSimulatedClock(options.startTimeS ?? Date.now() / 1000, speed);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pet-sim-'));
  const code = options.firmwareCode ?? (await loadFirmwareBundle());
  // The offline phase ends at the start time (default: now, after the bundle is loaded).
  const networkUpAtS = offlineS > 0 ? (options.startTimeS ?? Date.now() / 1000) : undefined;
  const virtualClock = networkUpAtS === undefined ? undefined : createVirtualClock(networkUpAtS - offlineS, speed);
  const virtualQueue: VirtualTimerQueue | undefined = virtualClock === undefined ? undefined : createVirtualTimerQueue(virtualClock);
  const clock: SimulatedClock = virtualClock ?? realClock!;
  const timers: SimulatedTimers | undefined = virtualQueue;
  let isNetworkUp = virtualQueue === undefined;
  const networkState = { upAtS: isNetworkUp ? clock.nowS() : undefined as number | undefined, offlineRealMs: 0 };
  const bootedAtS = clock.nowS();
  const script = new vm.Script(code, { filename: 'firmware.js' });
  const defaults = readProvisionDefaults();
  const sampleSeconds = options.sampleSeconds ?? 10;
  const intervalSeconds = options.intervalSeconds ?? 900;
  const voltsPerUnit = Number(defaults.meter.voltsPerUnit ?? 700);
  const ampsPerUnit = Number(defaults.meter.ampsPerUnit ?? 300);
  const mainsHz = Number(defaults.meter.mainsHz ?? 50);
  const meters: SimulatedMeter[] = [];
  const reportInputs: MeterReportInput[] = [];

  for (let n = 0; n < options.meters; n++) {
    const index = (options.firstIndex ?? 0) + n;
    const key = deriveMeterKey(options.keysSeed ?? 'demo', index);
    const storageDir = join(dataDir, `meter-${index}`);
    const profile: HouseholdProfile = options.cityLearnDir ? cityLearnProfile(options.cityLearnDir, index) : syntheticProfile(index);
    const files = buildStorageFiles({
      address: key.address,
      privateKeyHex: key.privateKeyHex,
      brokerUrl: options.brokerUrl,
      wifiSsid: undefined,
      wifiPassword: undefined,
      mqttUsername: undefined,
      mqttPassword: undefined,
      measureOverrides: {
        sensor: 'adc',
        voltagePin: VOLTAGE_PIN,
        currentPin: CURRENT_PIN,
        sampleSeconds,
        intervalSeconds,
        samplePairsPerBurst: options.samplePairsPerBurst ?? 100,
        burstPeriodMs: options.burstPeriodMs ?? 1000,
      },
      defaults: {
        ...defaults,
        mqtt: { ...defaults.mqtt, ...options.mqtt },
        queue: { ...defaults.queue, ...options.queue },
      },
    });
    let context: MeterContext | undefined;
    let lastStats: MeterContextStats | undefined;
    let lastStatus: FirmwareStatus | undefined;
    const storage = openStorageFolder(storageDir);
    for (const [name, content] of Object.entries(files)) {
      if (storage.read(name) !== content) storage.write(name, content);
    }
    const boot = () => {
      const adc = createWaveformAdc(
        { voltagePin: VOLTAGE_PIN, currentPin: CURRENT_PIN, voltsPerUnit, ampsPerUnit, mainsHz, voltageRmsV: 230, readsPerSecond: 2000 },
        profile,
        clock.nowS,
      );
      context = createMeterContext({ name: `meter-${index}`, clock, storage, analogRead: adc, timers, isNetworkUp: () => isNetworkUp, onLog: options.onLog });
      context.run(script);
    };
    boot();
    const readStatus = (): FirmwareStatus | undefined => {
      const console = context?.readGlobal(CONSOLE_NAME) as { status(): FirmwareStatus } | undefined;
      // Copied out of the meter's context so the caller gets plain values of this realm.
      if (console !== undefined) lastStatus = JSON.parse(JSON.stringify(console.status())) as FirmwareStatus;
      return console === undefined ? undefined : lastStatus;
    };
    const bootStatus = readStatus();
    reportInputs.push({
      index,
      address: key.address,
      seqAtBoot: bootStatus?.seq ?? -1,
      seqAtNetworkUp: undefined,
      status: bootStatus ?? { seq: -1, queued: 0, acknowledgedSeq: -1, dropped: 0 },
      wasFlushed: false,
    });
    meters.push({
      index,
      address: key.address,
      privateKeyHex: key.privateKeyHex,
      storageDir,
      stats: () => ({ context: (context ?? { stats: lastStats! }).stats, storage: storage.stats }),
      powerOff() {
        if (context === undefined) return;
        readStatus();
        context.powerOff();
        lastStats = context.stats;
        context = undefined;
      },
      powerOn() {
        if (context === undefined) boot();
      },
      firmwareStatus: readStatus,
      pauseMeasuring() {
        (context?.readGlobal(CONSOLE_NAME) as { pauseMeasuring(): void } | undefined)?.pauseMeasuring();
      },
      resumeMeasuring() {
        (context?.readGlobal(CONSOLE_NAME) as { resumeMeasuring(): void } | undefined)?.resumeMeasuring();
      },
      writtenSeq() {
        const ring = openStorageRing(storage, { prefix: QUEUE_PREFIX, chunkBytes: 1, maxChunks: 1 });
        return ring.lastEntry()?.seq ?? -1;
      },
    });
  }

  /** Reads every meter's status (the last one seen while powered off) and latches flushed meters. */
  function refreshReportInputs(): void {
    for (let i = 0; i < meters.length; i++) {
      const input = reportInputs[i]!;
      const status = meters[i]!.firmwareStatus();
      if (status !== undefined) input.status = status;
      if (isNetworkUp && input.seqAtNetworkUp === undefined) input.seqAtNetworkUp = input.status.seq;
      input.wasFlushed = isMeterFlushed(input);
    }
  }

  function report(): FleetReport {
    refreshReportInputs();
    return fleetReport(
      { bootedAtS, networkUpAtS: networkState.upAtS ?? null, reportedAtS: clock.nowS(), offlineS, offlineRealMs: networkState.offlineRealMs },
      reportInputs.map(meterReport),
    );
  }

  let isStopped = false;
  const fleet: SimulatedFleet = {
    meters,
    clock,
    dataDir,
    report,
    whenFlushed(pollMs = 200) {
      return new Promise<FleetReport>((resolve) => {
        const check = () => {
          const current = report();
          if (current.totals.flushedMeters < current.totals.meters && !isStopped) return;
          clearInterval(poller);
          resolve(current);
        };
        const poller = setInterval(check, pollMs);
        check();
      });
    },
    async stop() {
      isStopped = true;
      for (const meter of meters) meter.powerOff();
    },
  };

  if (virtualQueue !== undefined && networkUpAtS !== undefined) {
    const run = await virtualQueue.runUntil(networkUpAtS, { signal: options.signal });
    networkState.offlineRealMs = Math.round(run.realMs);
    if (!run.isAborted) {
      // Synchronously after the clock went live, before any converted timer can fire.
      isNetworkUp = true;
      networkState.upAtS = networkUpAtS;
      refreshReportInputs();
    }
  } else {
    refreshReportInputs();
  }
  return fleet;
}
