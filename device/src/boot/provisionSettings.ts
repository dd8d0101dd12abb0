/**
 * What provisioning writes into a meter's Storage (`pet.cfg` and `pet.key`), built off the board. Used by
 * `peer-energy-trader provision` (sent to a real board through EspruinoTools) and by the simulator (written into
 * each simulated meter's Storage folder), so both boot the firmware from the same files.
 *
 * Node-side only: never imported by the firmware entry.
 */
import { isHexDigits, isLowerHexAddress } from '../records/hexDigits.ts';
import { CONFIG_FILE, KEY_FILE } from './storedSettings.ts';

/** Defaults from espruino.config.json (`meter`, `queue`, `mqtt` sections). */
export interface ProvisionDefaults {
  meter: Record<string, unknown>;
  queue: Record<string, unknown>;
  mqtt: Record<string, unknown>;
}

export interface ProvisionRequest {
  address: string;
  privateKeyHex: string;
  brokerUrl: string;
  wifiSsid: string | undefined;
  wifiPassword: string | undefined;
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  /** Overrides of `meter` settings (calibration, cadence, sensor). */
  measureOverrides: Record<string, unknown>;
  defaults: ProvisionDefaults;
}

/** A provisioning input that cannot be used, with a stable code. */
export interface ProvisionProblem {
  code: 'bad_broker_url' | 'bad_key' | 'bad_address';
  message: string;
}

/** Parses `mqtt://host:port` or `mqtts://host:port`. */
export function parseBrokerUrl(url: string): { host: string; port: number; isTls: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw { code: 'bad_broker_url', message: `--broker: expected mqtt://host:port or mqtts://host:port, got ${JSON.stringify(url)}` } satisfies ProvisionProblem;
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    throw { code: 'bad_broker_url', message: `--broker: expected the mqtt: or mqtts: scheme, got ${JSON.stringify(parsed.protocol)}` } satisfies ProvisionProblem;
  }
  const isTls = parsed.protocol === 'mqtts:';
  return { host: parsed.hostname, port: parsed.port === '' ? (isTls ? 8883 : 1883) : Number(parsed.port), isTls };
}

const MEASURE_KEYS = [
  'voltagePin', 'currentPin', 'adcAttenuation', 'voltsPerUnit', 'ampsPerUnit', 'phaseCalibration', 'mainsHz',
  'samplePairsPerBurst', 'burstPeriodMs', 'sampleSeconds', 'intervalSeconds', 'sensor', 'simulatedBaseLoadW', 'simulatedPvPeakW',
];

/** The JSON object stored as `pet.cfg` (validated by the firmware's parseMeterConfig at boot). */
export function buildMeterConfig(request: ProvisionRequest): Record<string, unknown> {
  if (!isLowerHexAddress(request.address)) {
    throw { code: 'bad_address', message: `expected a lower-case 0x address, got ${JSON.stringify(request.address)}` } satisfies ProvisionProblem;
  }
  const broker = parseBrokerUrl(request.brokerUrl);
  const measure: Record<string, unknown> = {};
  for (const key of MEASURE_KEYS) {
    const value = key in request.measureOverrides ? request.measureOverrides[key] : request.defaults.meter[key];
    if (value !== undefined) measure[key] = value;
  }
  const mqtt: Record<string, unknown> = { host: broker.host, port: broker.port, tls: broker.isTls };
  for (const key of ['keepAliveS', 'retryS', 'maxInflight', 'backoffMinS', 'backoffMaxS', 'ackWindowRecords', 'ackTimeoutS']) {
    if (request.defaults.mqtt[key] !== undefined) mqtt[key] = request.defaults.mqtt[key];
  }
  if (request.mqttUsername !== undefined) mqtt.username = request.mqttUsername;
  if (request.mqttPassword !== undefined) mqtt.password = request.mqttPassword;
  const config: Record<string, unknown> = {
    v: 1,
    address: request.address,
    mqtt,
    measure,
    queue: { chunkBytes: request.defaults.queue.chunkBytes, maxChunks: request.defaults.queue.maxChunks },
  };
  if (request.wifiSsid !== undefined) config.wifi = { ssid: request.wifiSsid, password: request.wifiPassword ?? '' };
  return config;
}

/** The Storage files as name → content. */
export function buildStorageFiles(request: ProvisionRequest): Record<string, string> {
  const keyHex = request.privateKeyHex.replace(/^0x/, '').toLowerCase();
  if (!isHexDigits(keyHex, 64, false)) {
    throw { code: 'bad_key', message: `expected a 32-byte private key as 64 hex digits, got ${keyHex.length} characters` } satisfies ProvisionProblem;
  }
  return { [CONFIG_FILE]: JSON.stringify(buildMeterConfig(request)), [KEY_FILE]: keyHex };
}

/**
 * The JavaScript that EspruinoTools sends to the board (`espruino --port … file.js`): one
 * `require("Storage").write` per file, then a reset so the firmware boots with the new settings.
 */
export function buildProvisionSnippet(files: Record<string, string>): string {
  const lines = ['var s = require("Storage");'];
  for (const name of Object.keys(files).sort()) lines.push(`s.write(${JSON.stringify(name)}, ${JSON.stringify(files[name])});`);
  lines.push('print("provisioned " + s.list(/^pet\\./).join(", "));');
  lines.push('setTimeout(function () { E.reboot(); }, 500);');
  return lines.join('\n') + '\n';
}
