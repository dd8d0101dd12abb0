/**
 * N simulated meters, each running the real firmware bundle in its own `vm` context against a real broker —
 * the programmatic API the demo and the relay's tests use.
 *
 * @example
 * const fleet = await startSimulatedMeters({ meters: 10, brokerUrl: 'mqtt://127.0.0.1:1883', speed: 60 });
 * console.log(fleet.meters.map((meter) => meter.address));
 * await fleet.stop();
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
import type { MeterContext, MeterContextStats } from './meterContext.ts';
import { createMeterContext } from './meterContext.ts';
import { deriveMeterKey } from './meterKeys.ts';
import type { SimulatedClock } from './simulatedClock.ts';
import { createSimulatedClock } from './simulatedClock.ts';
import type { StorageFolderStats } from './storageFolder.ts';
import { openStorageFolder } from './storageFolder.ts';
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
  /** Simulated start time, Unix seconds (default now). */
  startTimeS?: number;
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
  stop(): Promise<void>;
}

function readProvisionDefaults(): ProvisionDefaults {
  const configPath = fileURLToPath(new URL('../../espruino.config.json', import.meta.url));
  const parsed = JSON.parse(readFileSync(configPath, 'utf8'));
  return { meter: parsed.meter ?? {}, queue: parsed.queue ?? {}, mqtt: parsed.mqtt ?? {} };
}

/** Starts the fleet; resolves once every meter's firmware has booted. */
export async function startSimulatedMeters(options: SimulatedMetersOptions): Promise<SimulatedFleet> {
  if (!Number.isInteger(options.meters) || options.meters < 1) {
    throw Object.assign(new Error(`meters: expected a positive integer, got ${options.meters}`), { code: 'bad_option' });
  }
  const speed = options.speed ?? 1;
  const clock = createSimulatedClock(options.startTimeS ?? Date.now() / 1000, speed);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pet-sim-'));
  const code = options.firmwareCode ?? (await loadFirmwareBundle());
  const script = new vm.Script(code, { filename: 'firmware.js' });
  const defaults = readProvisionDefaults();
  const sampleSeconds = options.sampleSeconds ?? 10;
  const intervalSeconds = options.intervalSeconds ?? 900;
  const voltsPerUnit = Number(defaults.meter.voltsPerUnit ?? 700);
  const ampsPerUnit = Number(defaults.meter.ampsPerUnit ?? 300);
  const mainsHz = Number(defaults.meter.mainsHz ?? 50);
  const meters: SimulatedMeter[] = [];

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
      context = createMeterContext({ name: `meter-${index}`, clock, storage, analogRead: adc, onLog: options.onLog });
      context.run(script);
    };
    boot();
    meters.push({
      index,
      address: key.address,
      privateKeyHex: key.privateKeyHex,
      storageDir,
      stats: () => ({ context: (context ?? { stats: lastStats! }).stats, storage: storage.stats }),
      powerOff() {
        if (context === undefined) return;
        context.powerOff();
        lastStats = context.stats;
        context = undefined;
      },
      powerOn() {
        if (context === undefined) boot();
      },
      firmwareStatus() {
        const console = context?.readGlobal(CONSOLE_NAME) as { status(): FirmwareStatus } | undefined;
        // Copied out of the meter's context so the caller gets plain values of this realm.
        return console === undefined ? undefined : (JSON.parse(JSON.stringify(console.status())) as FirmwareStatus);
      },
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

  return {
    meters,
    clock,
    dataDir,
    async stop() {
      for (const meter of meters) meter.powerOff();
    },
  };
}
