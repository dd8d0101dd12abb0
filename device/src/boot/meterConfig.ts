/**
 * The meter's configuration: one validated value read from Storage (`pet.cfg`, written by
 * `peer-energy-trader provision`) at boot and passed down. A bad value is reported with the field, what was
 * expected and what came; the firmware then waits for provisioning instead of crashing.
 */
import { isLowerHexAddress } from '../records/hexDigits.ts';

export interface MeasureConfig {
  /** "adc" reads the clamp; "simulated" synthesises a household (a board without ADC, an emulator). */
  sensor: string;
  voltagePin: string;
  currentPin: string;
  /** ESP32 ADC attenuation step 0 … 3 (3 = 11 dB, about 0 … 3.3 V). */
  adcAttenuation: number;
  voltsPerUnit: number;
  ampsPerUnit: number;
  phaseCalibration: number;
  mainsHz: number;
  samplePairsPerBurst: number;
  burstPeriodMs: number;
  sampleSeconds: number;
  intervalSeconds: number;
  simulatedBaseLoadW: number;
  simulatedPvPeakW: number;
}

export interface MqttConfig {
  host: string;
  port: number;
  isTls: boolean;
  username: string | undefined;
  password: string | undefined;
  keepAliveS: number;
  retryS: number;
  maxInflight: number;
  backoffMinS: number;
  backoffMaxS: number;
  /** Most records sent beyond the relay's acknowledged point (the usable window shrinks and grows below it). */
  ackWindowRecords: number;
  /** Seconds without an ack that moves the watermark before everything after it goes again (doubles up to 120). */
  ackTimeoutS: number;
}

export interface MeterConfig {
  /** The meter id, 0x address of its key, written by the provisioning tool (which derived it off the board). */
  address: string;
  wifiSsid: string | undefined;
  wifiPassword: string | undefined;
  mqtt: MqttConfig;
  measure: MeasureConfig;
  queueChunkBytes: number;
  queueMaxChunks: number;
}

/** A configuration error as a plain object (the interpreter loses messages of Error subclasses). */
export interface ConfigProblem {
  code: 'bad_config' | 'missing_config' | 'missing_key';
  message: string;
}

/**
 * Throws the problem for one setting. A missing one is named as missing: Espruino's `JSON.stringify(undefined)`
 * gives the string "null" (V8 gives undefined), which would read as an explicit null in pet.cfg.
 */
function fail(path: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing (the setting is missing)' : String(JSON.stringify(got)).substring(0, 80);
  throw { code: 'bad_config', message: path + ': expected ' + expected + ', got ' + shown } as ConfigProblem;
}

function section(source: any, name: string): any {
  const value = source[name];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) fail(name, 'an object', value);
  return value;
}

function numberIn(source: any, path: string, name: string, min: number, max: number, fallback: number | undefined): number {
  const value = source[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || isNaN(value) || value < min || value > max) fail(path + name, 'a number in ' + min + ' … ' + max, value);
  return value;
}

function integerIn(source: any, path: string, name: string, min: number, max: number, fallback: number): number {
  const value = numberIn(source, path, name, min, max, fallback);
  if (Math.floor(value) !== value) fail(path + name, 'an integer in ' + min + ' … ' + max, value);
  return value;
}

function text(source: any, path: string, name: string, fallback: string | undefined): string {
  const value = source[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) fail(path + name, 'a non-empty string', value);
  return value;
}

function optionalText(source: any, path: string, name: string): string | undefined {
  const value = source[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(path + name, 'a string', value);
  return value;
}

/** Validates the stored JSON object; throws a {@link ConfigProblem}. */
export function parseMeterConfig(source: unknown): MeterConfig {
  if (typeof source !== 'object' || source === null) fail('pet.cfg', 'a JSON object', source);
  const root = source as any;
  if (root.v !== 1) fail('v', 'configuration version 1', root.v);
  const address = text(root, '', 'address', undefined);
  if (!isLowerHexAddress(address)) fail('address', 'a lower-case 0x address of 20 bytes', address);
  const wifi = section(root, 'wifi');
  const mqtt = section(root, 'mqtt');
  const measure = section(root, 'measure');
  const queue = section(root, 'queue');
  const sensor = text(measure, 'measure.', 'sensor', 'adc');
  if (sensor !== 'adc' && sensor !== 'simulated') fail('measure.sensor', '"adc" or "simulated"', sensor);
  const sampleSeconds = numberIn(measure, 'measure.', 'sampleSeconds', 1, 3600, 10);
  const intervalSeconds = numberIn(measure, 'measure.', 'intervalSeconds', sampleSeconds, 86400, 900);
  if (intervalSeconds % sampleSeconds !== 0) fail('measure.intervalSeconds', 'a multiple of sampleSeconds (' + sampleSeconds + ')', intervalSeconds);
  return {
    address,
    wifiSsid: optionalText(wifi, 'wifi.', 'ssid'),
    wifiPassword: optionalText(wifi, 'wifi.', 'password'),
    mqtt: {
      host: text(mqtt, 'mqtt.', 'host', undefined),
      port: numberIn(mqtt, 'mqtt.', 'port', 1, 65535, 1883),
      isTls: mqtt.tls === true,
      username: optionalText(mqtt, 'mqtt.', 'username'),
      password: optionalText(mqtt, 'mqtt.', 'password'),
      keepAliveS: numberIn(mqtt, 'mqtt.', 'keepAliveS', 0, 65535, 60),
      retryS: numberIn(mqtt, 'mqtt.', 'retryS', 1, 3600, 20),
      maxInflight: numberIn(mqtt, 'mqtt.', 'maxInflight', 1, 100, 10),
      backoffMinS: numberIn(mqtt, 'mqtt.', 'backoffMinS', 0.1, 3600, 1),
      backoffMaxS: numberIn(mqtt, 'mqtt.', 'backoffMaxS', 0.1, 86400, 60),
      ackWindowRecords: integerIn(mqtt, 'mqtt.', 'ackWindowRecords', 1, 1024, 64),
      ackTimeoutS: numberIn(mqtt, 'mqtt.', 'ackTimeoutS', 1, 3600, 10),
    },
    measure: {
      sensor,
      voltagePin: text(measure, 'measure.', 'voltagePin', 'D36'),
      currentPin: text(measure, 'measure.', 'currentPin', 'D39'),
      adcAttenuation: numberIn(measure, 'measure.', 'adcAttenuation', 0, 3, 3),
      voltsPerUnit: numberIn(measure, 'measure.', 'voltsPerUnit', 1, 100000, 660),
      ampsPerUnit: numberIn(measure, 'measure.', 'ampsPerUnit', -100000, 100000, 111.1),
      phaseCalibration: numberIn(measure, 'measure.', 'phaseCalibration', -1, 3, 1.5),
      mainsHz: numberIn(measure, 'measure.', 'mainsHz', 40, 70, 50),
      samplePairsPerBurst: numberIn(measure, 'measure.', 'samplePairsPerBurst', 20, 4000, 240),
      burstPeriodMs: numberIn(measure, 'measure.', 'burstPeriodMs', 10, 600000, 1000),
      sampleSeconds,
      intervalSeconds,
      simulatedBaseLoadW: numberIn(measure, 'measure.', 'simulatedBaseLoadW', 0, 100000, 400),
      simulatedPvPeakW: numberIn(measure, 'measure.', 'simulatedPvPeakW', 0, 100000, 0),
    },
    queueChunkBytes: numberIn(queue, 'queue.', 'chunkBytes', 1024, 65536, 4000),
    queueMaxChunks: numberIn(queue, 'queue.', 'maxChunks', 2, 4096, 150),
  };
}
