/**
 * The stored configuration's delivery settings: defaults when absent, written by provisioning from
 * espruino.config.json, and a bad value refused with the setting's name instead of a crash.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMeterConfig, type ConfigProblem } from './meterConfig.ts';
import { buildMeterConfig } from './provisionSettings.ts';

const ADDRESS = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';

function configWith(mqtt: Record<string, unknown>): unknown {
  return { v: 1, address: ADDRESS, mqtt: { host: '127.0.0.1', ...mqtt } };
}

function problemOf(source: unknown): ConfigProblem | undefined {
  try {
    parseMeterConfig(source);
    return undefined;
  } catch (error) {
    return error as ConfigProblem;
  }
}

test('the ack window and timeout default to 64 records and 10 s', () => {
  const config = parseMeterConfig(configWith({}));
  assert.is(config.mqtt.ackWindowRecords, 64);
  assert.is(config.mqtt.ackTimeoutS, 10);
});

test('stored values are used', () => {
  const config = parseMeterConfig(configWith({ ackWindowRecords: 16, ackTimeoutS: 2.5 }));
  assert.is(config.mqtt.ackWindowRecords, 16);
  assert.is(config.mqtt.ackTimeoutS, 2.5);
});

test('bad values are refused with the setting named', () => {
  for (const [mqtt, name] of [
    [{ ackWindowRecords: 0 }, 'mqtt.ackWindowRecords'],
    [{ ackWindowRecords: 1025 }, 'mqtt.ackWindowRecords'],
    [{ ackWindowRecords: 8.5 }, 'mqtt.ackWindowRecords'],
    [{ ackWindowRecords: '64' }, 'mqtt.ackWindowRecords'],
    [{ ackTimeoutS: 0 }, 'mqtt.ackTimeoutS'],
    [{ ackTimeoutS: 3601 }, 'mqtt.ackTimeoutS'],
  ] as const) {
    const problem = problemOf(configWith(mqtt));
    assert.is(problem?.code, 'bad_config', JSON.stringify(mqtt));
    assert.ok(problem!.message.startsWith(name + ': expected'), problem!.message);
  }
});

test('a missing setting is named as missing, an explicit null as null', () => {
  const missing = problemOf({ v: 1, mqtt: { host: '127.0.0.1' } });
  assert.is(missing?.code, 'bad_config');
  assert.is(missing?.message, 'address: expected a non-empty string, got nothing (the setting is missing)');
  const explicitNull = problemOf({ v: 1, address: null, mqtt: { host: '127.0.0.1' } });
  assert.is(explicitNull?.message, 'address: expected a non-empty string, got null');
});

test('provisioning writes the defaults of espruino.config.json, which the firmware accepts', () => {
  const defaults = JSON.parse(readFileSync(new URL('../../../espruino.config.json', import.meta.url), 'utf8'));
  const stored = buildMeterConfig({
    address: ADDRESS,
    privateKeyHex: '01'.repeat(32),
    brokerUrl: 'mqtt://127.0.0.1:1883',
    wifiSsid: undefined,
    wifiPassword: undefined,
    mqttUsername: undefined,
    mqttPassword: undefined,
    measureOverrides: {},
    defaults: { meter: defaults.meter, queue: defaults.queue, mqtt: defaults.mqtt },
  });
  assert.is((stored.mqtt as Record<string, unknown>).ackWindowRecords, 64);
  assert.is((stored.mqtt as Record<string, unknown>).ackTimeoutS, 10);
  const config = parseMeterConfig(JSON.parse(JSON.stringify(stored)));
  assert.is(config.mqtt.ackWindowRecords, 64);
  assert.is(config.mqtt.ackTimeoutS, 10);
});

test.run();
