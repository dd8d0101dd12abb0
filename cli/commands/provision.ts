/**
 * `peer-energy-trader provision --port PORT --key-file FILE --wifi-ssid SSID [--wifi-password P] --broker URL
 * [--mqtt-username U --mqtt-password P] [--volts-per-unit V] [--amps-per-unit A] [--phase-calibration C]
 * [--generate-key] [--dry-run]`: writes the meter key and settings into the board's Storage through
 * EspruinoTools. `--dry-run` prints the exact snippet and the meter address instead of sending it. The three
 * calibration options override `espruino.config.json` for this one meter (docs/meter_setup.md, Calibration).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '../../shared/protocol/hex.ts';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';
import { buildProvisionSnippet, buildStorageFiles } from '../../device/src/boot/provisionSettings.ts';

export const summary = 'write a meter key and settings into an ESP32 clamp (--dry-run prints the snippet)';

export async function run(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'key-file': { type: 'string' },
        'generate-key': { type: 'boolean' },
        'wifi-ssid': { type: 'string' },
        'wifi-password': { type: 'string' },
        broker: { type: 'string' },
        'mqtt-username': { type: 'string' },
        'mqtt-password': { type: 'string' },
        'volts-per-unit': { type: 'string' },
        'amps-per-unit': { type: 'string' },
        'phase-calibration': { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    });
    const measureOverrides: Record<string, number> = {};
    for (const [option, key] of [['volts-per-unit', 'voltsPerUnit'], ['amps-per-unit', 'ampsPerUnit'], ['phase-calibration', 'phaseCalibration']] as const) {
      const text = values[option];
      if (text === undefined) continue;
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw Object.assign(new Error(`--${option}: expected a number, got ${JSON.stringify(text)}`), { code: 'bad_option' });
      measureOverrides[key] = value;
    }
    const keyFile = values['key-file'];
    if (keyFile === undefined) throw new Error('--key-file: expected a path to the meter key (64 hex digits)');
    if (values['generate-key']) {
      if (existsSync(keyFile)) throw new Error(`--generate-key: ${keyFile} exists already; refusing to overwrite a meter key`);
      writeFileSync(keyFile, bytesToHex(secp256k1.utils.randomSecretKey()).slice(2) + '\n', { mode: 0o600 });
    }
    const keyText = readFileSync(keyFile, 'utf8').trim().toLowerCase();
    const privateKey = hexToBytes(keyText.startsWith('0x') ? keyText : `0x${keyText}`, 32, '--key-file');
    const address = addressFromPrivateKey(privateKey);
    const configPath = fileURLToPath(new URL('../../espruino.config.json', import.meta.url));
    const parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    const files = buildStorageFiles({
      address,
      privateKeyHex: bytesToHex(privateKey),
      brokerUrl: values.broker ?? 'mqtt://127.0.0.1:1883',
      wifiSsid: values['wifi-ssid'],
      wifiPassword: values['wifi-password'],
      mqttUsername: values['mqtt-username'],
      mqttPassword: values['mqtt-password'],
      measureOverrides,
      defaults: { meter: parsed.meter ?? {}, queue: parsed.queue ?? {}, mqtt: parsed.mqtt ?? {} },
    });
    const snippet = buildProvisionSnippet(files);
    process.stdout.write(`meter address ${address}\n`);
    if (values['dry-run']) {
      process.stdout.write(snippet);
      return 0;
    }
    if (values.port === undefined) throw new Error('--port: expected the serial port of the board, e.g. /dev/ttyUSB0');
    const file = join(mkdtempSync(join(tmpdir(), 'pet-provision-')), 'provision.js');
    writeFileSync(file, snippet, { mode: 0o600 });
    const result = spawnSync('npx', ['espruino', '--port', values.port, file], { stdio: 'inherit' });
    return result.status ?? 1;
  } catch (error) {
    const failure = error as { code?: string; message?: string };
    process.stderr.write(`provision: ${failure.code ? `[${failure.code}] ` : ''}${failure.message}\n`);
    return 2;
  }
}
