/**
 * Firmware entry: boot → measurement loop → records → flash queue → MQTT (docs/meter_setup.md). Bundled by
 * device/build/build.ts into device/dist/firmware.js, which runs on the Espruino interpreter and, unchanged, in
 * the simulator's `vm` contexts (device/sim/).
 *
 * Boot never throws: a missing configuration or key is reported on the console and retried, a missing Wifi
 * module or ADC is detected and replaced (no Wifi: assume the network is already there; no ADC: the stand-in
 * household sensor).
 */
import { meterTopic } from '../../shared/protocol/topics.ts';
import { nativeSha256 } from './crypto/nativeSha256.ts';
import { createSigningJob } from './crypto/signingJob.ts';
import type { MeterConfig } from './boot/meterConfig.ts';
import { readStoredSettings } from './boot/readStoredSettings.ts';
import { selectSensor } from './boot/sensorSelection.ts';
import { QUEUE_PREFIX } from './boot/storedSettings.ts';
import { computePower, newOffsetState } from './measure/powerCalculation.ts';
import { integrateReading, newWindowState } from './measure/windowIntegrator.ts';
import { createMqttClient } from './mqtt/mqttClient.ts';
import { netTransport } from './mqtt/transport.ts';
import { loadModule } from './platform/loadModule.ts';
import type { StorageApi } from './queue/storageApi.ts';
import { openStorageRing } from './queue/storageRing.ts';
import { createRecordLog, restoreState } from './records/recordLog.ts';
import { parseMeterCommand } from './uplink/meterCommand.ts';
import { createRecordPublisher } from './uplink/recordPublisher.ts';
import { statusJson } from './uplink/statusMessage.ts';

/** A clock before 2024-01-01 has not been set yet (SNTP or the relay's `time` command): no records then. */
const EARLIEST_VALID_TIME_S = 1704067200;
/** Signer work per event-loop turn: about 20 ms of interpreter time on a desktop core (DESIGN §9). */
const LIMB_PRODUCTS_PER_SLICE = 4000;
/** Seconds between status messages. */
const STATUS_PERIOD_S = 60;
/** Milliseconds between runs of the acknowledgement timer (and retries of a status that found no room). */
const DELIVERY_TICK_MS = 1000;
/** Seconds between attempts to read a configuration that is missing or bad. */
const CONFIG_RETRY_S = 30;
/** A relay `time` command is applied only while the clock is off by more than this (docs/protocol.md §4). */
const TIME_COMMAND_TOLERANCE_S = 2;
/** Name of the console object (`meterConsole.status()` at the Espruino prompt; the simulator uses it too). */
const CONSOLE_NAME = 'meterConsole';

function log(message: string): void {
  console.log('[meter] ' + message);
}

function freeMemory(): number {
  const espruinoProcess = process as any;
  return typeof espruinoProcess.memory === 'function' ? espruinoProcess.memory().free : 0;
}

function runMeter(storage: StorageApi, config: MeterConfig, privateKey: Uint8Array): void {
  const sha256 = nativeSha256;
  const measure = config.measure;
  const sensor = selectSensor(measure);
  const ring = openStorageRing(storage, { prefix: QUEUE_PREFIX, chunkBytes: config.queueChunkBytes, maxChunks: config.queueMaxChunks });
  const restored = restoreState(ring, sha256);
  log('meter ' + config.address + ' resumes at seq ' + restored.head.nextSeq + ', sensor ' + sensor.kind);
  let problem: string | undefined;
  // Uptime follows the meter's own clock; a `time` command that moves the clock moves the boot time with it.
  let bootS = getTime();
  let isMeasuring = true;
  // A status the relay needs at once (it asked for records below heldFromSeq) that found the in-flight window full.
  let isStatusDue = false;

  const recordLog = createRecordLog({
    address: config.address,
    sha256,
    ring,
    intervalSeconds: measure.intervalSeconds,
    restored,
    onRecordWritten(): void {},
  });

  // Declared before first use: Espruino does not hoist function declarations inside a function body
  // (measured on 2v29: "statusText is not defined").
  function statusText(isOnline: boolean): string {
    return statusJson({
      isOnline,
      seq: recordLog.head().nextSeq - 1,
      queued: ring.pendingCount(),
      dropped: recordLog.droppedRecords(),
      heldFromSeq: ring.acknowledgedSeq() + 1,
      uptimeS: getTime() - bootS,
    });
  }

  function publishStatus(): void {
    // QoS 1, retained (docs/protocol.md §4); when the in-flight window is full it is due and tried every tick.
    isStatusDue = true;
    if (client.isConnected() && client.hasRoom()) {
      client.publishAtLeastOnce(meterTopic(config.address, 'status'), statusText(true), true, () => {});
      isStatusDue = false;
    }
  }
  const client = createMqttClient({
    connect: {
      // docs/protocol.md §4: client id `pet-{meter}`, clean session 0.
      clientId: 'pet-' + config.address,
      username: config.mqtt.username,
      password: config.mqtt.password,
      keepAliveS: config.mqtt.keepAliveS,
      isCleanSession: false,
      will: { topic: meterTopic(config.address, 'status'), payload: statusText(false), qos: 1, isRetained: true },
    },
    willPayload: () => statusText(false),
    openTransport: netTransport({ host: config.mqtt.host, port: config.mqtt.port, isTls: config.mqtt.isTls }),
    subscriptions: [meterTopic(config.address, 'cmd')],
    retryS: config.mqtt.retryS,
    backoffMinS: config.mqtt.backoffMinS,
    backoffMaxS: config.mqtt.backoffMaxS,
    maxInflight: config.mqtt.maxInflight,
    onConnected(): void {
      publishStatus();
      // Everything after the relay's last watermark goes again: what was sent before may never have reached it.
      publisher.resume();
    },
    onDisconnected(reason: string): void {
      log('broker connection lost: ' + reason);
    },
    onMessage(topic: string, payload: string): void {
      const command = parseMeterCommand(payload);
      if (typeof command === 'string') {
        problem = command;
        return;
      }
      if (command.cmd === 'time' && Math.abs(command.value - getTime()) > TIME_COMMAND_TOLERANCE_S) {
        const deltaS = command.value - getTime();
        bootS += deltaS;
        publisher.shiftClock(deltaS);
        setTime(command.value);
      } else if (command.cmd === 'resend') publisher.resend(command.value);
      else if (command.cmd === 'ack') publisher.acknowledge(command.value, command.digest);
      publisher.pump();
    },
  });

  const publisher = createRecordPublisher({
    ring,
    client,
    sha256,
    privateKey,
    createSigningJob,
    limbProductsPerSlice: LIMB_PRODUCTS_PER_SLICE,
    sampleTopic: meterTopic(config.address, 'sample'),
    sealTopic: meterTopic(config.address, 'seal'),
    ackWindowRecords: config.mqtt.ackWindowRecords,
    ackTimeoutS: config.mqtt.ackTimeoutS,
    nowS: () => getTime(),
    chainHead: () => recordLog.head(),
    onProblem(publishProblem): void {
      problem = publishProblem.code + ': ' + publishProblem.message;
      log(problem);
    },
    onStatusDue: publishStatus,
  });

  function deliveryTick(): void {
    publisher.tick();
    if (isStatusDue) publishStatus();
  }

  // A stall up to a sample period is bridged with the last reading; a longer one is a gap, never filled in.
  const windowState = newWindowState(restored.registers, measure.sampleSeconds, measure.sampleSeconds + (3 * measure.burstPeriodMs) / 1000);
  const offsets = newOffsetState();
  function measureOnce(): void {
    if (!isMeasuring) return;
    const burst = sensor.source();
    const reading = computePower(burst.voltage, burst.current, burst.count, measure, offsets);
    const nowS = getTime();
    if (nowS < EARLIEST_VALID_TIME_S) return;
    try {
      const finished = integrateReading(windowState, reading, nowS, recordLog.addWindow);
      if (finished > 0) publisher.pump();
    } catch (error) {
      const failure = error as any;
      problem = (failure && failure.code ? failure.code + ': ' : '') + (failure && failure.message ? failure.message : String(error));
      log(problem);
    }
  }

  // For the prompt and the simulator: figures and a way to hold measurement (e.g. before unplugging the clamp).
  (global as any)[CONSOLE_NAME] = {
    status: () => {
      const delivery = publisher.figures();
      return {
        seq: recordLog.head().nextSeq - 1,
        queued: ring.pendingCount(),
        acknowledgedSeq: ring.acknowledgedSeq(),
        heldFromSeq: delivery.heldFromSeq,
        sentSeq: delivery.sentSeq,
        ackWindowRecords: delivery.windowRecords,
        ackRefused: delivery.ackRefused,
        resendRequests: delivery.resendRequests,
        retransmitTimeouts: delivery.retransmitTimeouts,
        dropped: recordLog.droppedRecords(),
        signedSeals: delivery.signedSeals,
        isConnected: client.isConnected(),
        mqtt: client.stats(),
        freeMemory: freeMemory(),
        problem,
      };
    },
    pauseMeasuring(): void {
      isMeasuring = false;
    },
    resumeMeasuring(): void {
      isMeasuring = true;
    },
  };

  setInterval(measureOnce, measure.burstPeriodMs);
  setInterval(publishStatus, STATUS_PERIOD_S * 1000);
  setInterval(deliveryTick, DELIVERY_TICK_MS);
  connectNetwork(config, () => client.start());
}

/** Joins Wifi where the board has it; without a Wifi module (simulator, Ethernet builds) the network is assumed. */
function connectNetwork(config: MeterConfig, onReady: () => void): void {
  const wifi = loadModule('Wifi');
  if (wifi === undefined || config.wifiSsid === undefined) {
    onReady();
    return;
  }
  wifi.connect(config.wifiSsid, { password: config.wifiPassword }, (error: unknown) => {
    if (error) log('wifi: ' + error + ' (the module keeps retrying)');
    try {
      wifi.setSNTP('pool.ntp.org', 0);
    } catch (sntpError) {
      log('wifi: no SNTP, waiting for the relay time command');
    }
    onReady();
  });
}

/** Boots the meter (the bundle exports nothing: Espruino has no `module`); retries until Storage holds a usable configuration. */
function startMeter(): void {
  const storage = loadModule('Storage') as StorageApi | undefined;
  if (storage === undefined) {
    log('no Storage module: cannot run');
    return;
  }
  const settings = readStoredSettings(storage);
  if (settings.config === undefined || settings.privateKey === undefined) {
    log((settings.problem ? settings.problem.code + ': ' + settings.problem.message : 'not provisioned') + '; retrying in ' + CONFIG_RETRY_S + ' s');
    setTimeout(startMeter, CONFIG_RETRY_S * 1000);
    return;
  }
  runMeter(storage, settings.config, settings.privateKey);
}

startMeter();
