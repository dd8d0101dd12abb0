import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../config/configError.ts';
import { readWebConfig } from './webConfig.ts';

test('defaults: operator routes off, random 32-byte session secret, 250 ms feed interval', () => {
  const config = readWebConfig({});
  assert.is(config.operatorToken, undefined);
  assert.is(config.sessionSecret.length, 32);
  assert.is(config.feedIntervalMs, 250);
  assert.ok(Object.isFrozen(config));
});

test('bad settings name their variable', () => {
  for (const [variable, value] of [
    ['PET_OPERATOR_TOKEN', 'short'],
    ['PET_SESSION_SECRET', 'not-hex'],
    ['PET_CHAIN_ID', '-1'],
    ['PET_PUBLIC_URL', 'ftp://relay'],
    ['PET_FEED_INTERVAL_MS', '1'],
  ] as const) {
    try {
      readWebConfig({ [variable]: value });
      assert.unreachable(`${variable}=${value} was accepted`);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).variable, variable);
      assert.match((error as ConfigError).message, variable);
    }
  }
});

test.run();
