// The real services the suite talks to: PostgreSQL and Mosquitto on this machine. Their addresses are exported
// to the test processes; under CI=true an unreachable service fails the run with a message naming it.
import { connect } from 'node:net';

export const TEST_POSTGRES_URL = process.env.PET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_MQTT_URL = process.env.PET_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

function reachable(url, timeoutMs = 2000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function checkTestServices() {
  process.env.PET_TEST_DATABASE_URL = TEST_POSTGRES_URL;
  process.env.PET_TEST_MQTT_URL = TEST_MQTT_URL;
  const missing = [];
  if (!(await reachable(TEST_POSTGRES_URL))) missing.push(`PostgreSQL at ${TEST_POSTGRES_URL} (set PET_TEST_DATABASE_URL)`);
  if (!(await reachable(TEST_MQTT_URL))) missing.push(`Mosquitto at ${TEST_MQTT_URL} (set PET_TEST_MQTT_URL)`);
  if (missing.length === 0) return;
  const message = `real test services not reachable: ${missing.join('; ')}`;
  if (process.env.CI === 'true') {
    process.stdout.write(`${message}\nThe suite must run against them in CI.\n0 passed, 1 failed\n`);
    process.exit(1);
  }
  process.stdout.write(`warning: ${message}; the tests that need them will fail.\n`);
}
