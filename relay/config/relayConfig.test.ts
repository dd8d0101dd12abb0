import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from './configError.ts';
import { readRelayConfig } from './relayConfig.ts';

test('an empty environment gives the embedded defaults', () => {
  const config = readRelayConfig({});
  assert.equal(config.database, { kind: 'pglite', dataDir: './.data/pglite' });
  assert.equal(config.broker, { kind: 'embedded', port: 1884, host: '127.0.0.1', url: 'mqtt://127.0.0.1:1884' });
  assert.is(config.httpPort, 8080);
  assert.is(config.unknownMeterPolicy, 'accept');
  assert.is(config.resendHoldMs, 3000);
});

test('PET_ZONE_TREE reads the zone tree from a JSON file; a missing file or a bad tree names the variable and the fault', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-zone-tree-'));
  try {
    assert.equal(readRelayConfig({}).zoneForest, [], 'unset: no tree');
    const tree = { id: 'substation-1', level: 'substation', children: [{ id: 'feeder-1', level: 'feeder', feederLimitWh: 50_000 }] };
    writeFileSync(join(dir, 'tree.json'), JSON.stringify(tree));
    assert.equal(readRelayConfig({ PET_ZONE_TREE: join(dir, 'tree.json') }).zoneForest, [tree]);
    writeFileSync(join(dir, 'skip.json'), JSON.stringify({ id: 's', level: 'substation', children: [{ id: 'h', level: 'house' }] }));
    const refusals: Array<[string, RegExp]> = [
      [join(dir, 'absent.json'), /PET_ZONE_TREE: expected a readable JSON file, .*ENOENT/],
      [join(dir, 'skip.json'), /PET_ZONE_TREE: .*bad_zone_level: zone\.children\[0\]\.level: expected the level one below its parent's/],
    ];
    writeFileSync(join(dir, 'broken.json'), '{"id":');
    refusals.push([join(dir, 'broken.json'), /PET_ZONE_TREE: expected JSON in/]);
    for (const [path, message] of refusals) {
      try {
        readRelayConfig({ PET_ZONE_TREE: path });
        assert.unreachable(`expected ${path} to be refused`);
      } catch (error) {
        assert.instance(error, ConfigError);
        assert.match((error as Error).message, message);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PET_RESEND_HOLD_MS sets how long a resend request holds before it is repeated', () => {
  assert.is(readRelayConfig({ PET_RESEND_HOLD_MS: '250' }).resendHoldMs, 250);
});

test('DATABASE_URL and MQTT_URL select the external servers', () => {
  const config = readRelayConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', PET_DB_SCHEMA: 'site_a', MQTT_URL: 'mqtt://broker:1883' });
  assert.equal(config.database, { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'site_a', maxConnections: 4 });
  assert.equal(config.broker, { kind: 'external', url: 'mqtt://broker:1883' });
});

test('the value is frozen', () => {
  const config = readRelayConfig({});
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.database) && Object.isFrozen(config.broker));
});

const badSettings: [Record<string, string>, string, RegExp][] = [
  [{ PET_HTTP_PORT: '80a' }, 'PET_HTTP_PORT', /expected an integer 0 … 65535, got "80a"/],
  [{ PET_MQTT_PORT: '70000' }, 'PET_MQTT_PORT', /expected an integer 0 … 65535, got 70000/],
  [{ PET_RESEND_HOLD_MS: '5' }, 'PET_RESEND_HOLD_MS', /expected an integer 10 … 600000, got 5/],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /expected a postgres: or postgresql: URL, got mysql:/],
  [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /expected a URL/],
  [{ MQTT_URL: 'http://x' }, 'MQTT_URL', /expected a mqtt: or mqtts: or tcp: or ws: or wss: URL/],
  [{ PET_UNKNOWN_METERS: 'maybe' }, 'PET_UNKNOWN_METERS', /expected one of accept, reject, got "maybe"/],
  [{ DATABASE_URL: 'postgres://h/db', PET_DB_SCHEMA: 'Robert"; DROP' }, 'PET_DB_SCHEMA', /lower-case SQL identifier/],
  [{ PET_TOPIC_PREFIX: 'a/b/' }, 'PET_TOPIC_PREFIX', /topic level followed by/],
  [{ PET_BATCH_MAX: '0' }, 'PET_BATCH_MAX', /expected an integer 1 … 5000, got 0/],
];

for (const [env, variable, message] of badSettings) {
  test(`${variable}=${JSON.stringify(Object.values(env).at(-1))} is refused, naming the variable`, () => {
    try {
      readRelayConfig(env);
      assert.unreachable('should throw');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).variable, variable);
      assert.ok((error as Error).message.startsWith(`${variable}: `));
      assert.match((error as Error).message, message);
    }
  });
}

test.run();
