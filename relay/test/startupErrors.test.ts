/**
 * Start-up failures are one clear line naming the variable to set, never a stack trace: a taken MQTT port, an
 * unreachable PostgreSQL, an unreachable broker, an invalid setting.
 */
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../config/configError.ts';
import { readRelayConfig } from '../config/relayConfig.ts';
import { startRelay } from '../startRelay.ts';

const quiet = { PET_LOG_LEVEL: 'silent', PET_DATA_DIR: 'memory://', PET_HTTP_PORT: '0', PET_VERIFY_WORKERS: '1' };

async function startFails(env: Record<string, string>): Promise<ConfigError> {
  try {
    const relay = await startRelay({ config: readRelayConfig({ ...quiet, ...env }), withHttp: false, withProcessMetrics: false });
    await relay.stop();
  } catch (error) {
    assert.instance(error, ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the relay not to start');
}

test('a taken MQTT port names PET_MQTT_PORT', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const error = await startFails({ PET_MQTT_PORT: String(port) });
    assert.is(error.variable, 'PET_MQTT_PORT');
    assert.match(error.message, `port ${port} on 127.0.0.1 is already in use`);
  } finally {
    blocker.close();
  }
});

test('an unreachable PostgreSQL names DATABASE_URL', async () => {
  const error = await startFails({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
  assert.is(error.variable, 'DATABASE_URL');
  assert.match(error.message, 'cannot reach PostgreSQL at 127.0.0.1:1/test');
});

test('an unreachable broker names MQTT_URL', async () => {
  const error = await startFails({ MQTT_URL: 'mqtt://127.0.0.1:1', PET_MQTT_CONNECTIONS: '1' });
  assert.is(error.variable, 'MQTT_URL');
  assert.match(error.message, 'cannot reach the MQTT broker at 127.0.0.1:1');
});

test('the CLI prints one line naming the variable and exits 1, without a stack trace', async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawn(process.execPath, ['bin/peer-energy-trader.js', 'relay'], { cwd: root, env: { ...process.env, ...quiet, PET_MQTT_PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.is(code, 1);
  assert.is(stderr.trim(), 'peer-energy-trader relay: PET_MQTT_PORT: expected an integer 0 … 65535, got "eighty"');
});

test.run();
