import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DatabaseConfig } from '../config/relayConfig.ts';
import { openStore, type Store } from '../store/openStore.ts';
import { samples } from '../store/schema.ts';
import { createDataKeyring } from './dataKeyring.ts';
import { eraseOwnerData } from './eraseOwnerData.ts';
import { exportOwnerData } from './exportOwnerData.ts';
import { writeMeterProfile } from './meterProfile.ts';

const OWNER = '0x' + 'ab'.repeat(20);
const METER = '0x' + '0'.repeat(39) + '1';
const OTHER_METER = '0x' + '0'.repeat(39) + '2';
const SAMPLE_COUNT = 2_345; // more than two pages of 1 000

async function seedAndExport(store: Store): Promise<void> {
  const keyring = createDataKeyring([randomBytes(32)]);
  await store.db.execute(sql`INSERT INTO meters (address, zone, owner_address) VALUES (${METER}, 'z', ${OWNER}), (${OTHER_METER}, 'z', ${'0x' + 'cd'.repeat(20)})`);
  for (const meter of [METER, OTHER_METER]) {
    const rows = Array.from({ length: meter === METER ? SAMPLE_COUNT : 10 }, (_, seq) => ({
      meter,
      seq,
      timeS: 1_767_225_600 + seq,
      importWh: 2 ** 40 + seq,
      exportWh: seq,
      powerW: 100,
      voltageDv: 2_300,
      currentMa: 400,
      powerFactorPermille: 1000,
      prev: '0x00',
      digest: `0x${seq}`,
    }));
    for (let i = 0; i < rows.length; i += 1_000) await store.db.insert(samples).values(rows.slice(i, i + 1_000));
  }
  await writeMeterProfile(store.db, keyring, METER, { label: 'shed', ownerContact: null });
  let text = '';
  let chunks = 0;
  for await (const chunk of exportOwnerData({ db: store.db, keyring, owner: OWNER.toUpperCase().replace('0X', '0x'), nowMs: 0 })) {
    text += chunk;
    chunks += 1;
  }
  const document = JSON.parse(text) as { sections: Record<string, Array<Record<string, unknown>>> };
  const exported = document.sections.samples!;
  assert.is(exported.length, SAMPLE_COUNT, 'every sample, across pages');
  assert.ok(exported.every((row, index) => row.meter === METER && row.seq === index), 'in chain order, no repeats, no other meter');
  assert.is(exported[SAMPLE_COUNT - 1]!.import_wh, 2 ** 40 + SAMPLE_COUNT - 1, 'int8 values exact as numbers');
  assert.equal(document.sections.meterProfiles!.map((row) => row.label), ['shed']);
  assert.ok(chunks > SAMPLE_COUNT, 'produced row by row, not as one string');

  const erased = await eraseOwnerData({ db: store.db, keyring, owner: OWNER });
  assert.is(erased.deleted.samples, SAMPLE_COUNT);
  let after = '';
  for await (const chunk of exportOwnerData({ db: store.db, keyring, owner: OWNER, nowMs: 0 })) after += chunk;
  const afterDocument = JSON.parse(after) as { sections: Record<string, Array<Record<string, unknown>>> };
  assert.equal(afterDocument.sections.samples, []);
  assert.equal(afterDocument.sections.erasedMeters!.map((row) => row.meter), [METER]);
}

test('export pages through thousands of samples, then erasure, on PGlite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pet-export-'));
  const store = await openStore({ kind: 'pglite', dataDir });
  try {
    await seedAndExport(store);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('export pages through thousands of samples, then erasure, on PostgreSQL', async () => {
  const url = process.env.PET_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `pet_privacy_${randomBytes(4).toString('hex')}`;
  const config: DatabaseConfig = { kind: 'postgres', url, schema, maxConnections: 2 };
  const store = await openStore(config);
  try {
    await seedAndExport(store);
  } finally {
    await store.close();
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end({ timeout: 5 });
  }
});

test.run();
