import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../config/configError.ts';
import { loadDataKeyring } from './loadDataKeyring.ts';

const hexKey = '11'.repeat(32);

async function configErrorOf(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    assert.instance(error, ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test('PET_DATA_KEY as hex or base64 gives the same key; previous keys join the ring for reading', async () => {
  const fromHex = await loadDataKeyring({ PET_DATA_KEY: hexKey });
  const fromBase64 = await loadDataKeyring({ PET_DATA_KEY: Buffer.from(hexKey, 'hex').toString('base64') });
  assert.is(fromHex.origin, 'env');
  assert.is(fromHex.keyring!.current.id, fromBase64.keyring!.current.id);
  const rotated = await loadDataKeyring({ PET_DATA_KEY: '22'.repeat(32), PET_DATA_KEY_PREVIOUS: hexKey });
  assert.is(rotated.keyring!.byId.size, 2);
  assert.ok(rotated.keyring!.byId.has(fromHex.keyring!.current.id));
});

test('a malformed key names its variable and says what was expected', async () => {
  const short = await configErrorOf(() => loadDataKeyring({ PET_DATA_KEY: 'abcd' }));
  assert.is(short.variable, 'PET_DATA_KEY');
  assert.match(short.message, 'expected 32 bytes');
  assert.match(short.message, 'got 4 characters');
  const previous = await configErrorOf(() => loadDataKeyring({ PET_DATA_KEY: hexKey, PET_DATA_KEY_PREVIOUS: 'zz' }));
  assert.is(previous.variable, 'PET_DATA_KEY_PREVIOUS');
});

test('embedded default: a key is generated once in the data folder with mode 0600, then reused', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pet-key-'));
  try {
    const first = await loadDataKeyring({}, { kind: 'pglite', dataDir });
    assert.is(first.origin, 'generated');
    assert.match(first.warning ?? '', 'PET_DATA_KEY');
    const file = join(dataDir, 'pet-data-key');
    assert.is((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, 'utf8'), /^[0-9a-f]{64}\n$/);
    const second = await loadDataKeyring({}, { kind: 'pglite', dataDir });
    assert.is(second.origin, 'file');
    assert.is(second.warning, undefined);
    assert.is(second.keyring!.current.id, first.keyring!.current.id);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('PostgreSQL without PET_DATA_KEY: no key, and a warning naming the variable', async () => {
  const loaded = await loadDataKeyring({}, { kind: 'postgres', url: 'postgres://x@127.0.0.1/test', schema: undefined, maxConnections: 1 });
  assert.is(loaded.keyring, undefined);
  assert.match(loaded.warning ?? '', 'PET_DATA_KEY');
});

test.run();
