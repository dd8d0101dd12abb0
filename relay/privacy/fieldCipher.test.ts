import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDataKeyring } from './dataKeyring.ts';
import { decryptField, encryptField, fieldKeyId } from './fieldCipher.ts';
import { PrivacyError } from './privacyError.ts';

const keyring = createDataKeyring([randomBytes(32)]);
const context = 'meter_profiles.label|0x0000000000000000000000000000000000000001';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, PrivacyError);
    return (error as PrivacyError).code;
  }
  throw new Error('expected a PrivacyError');
}

test('round trip, with the key id stored beside the ciphertext and a fresh IV each time', () => {
  const text = 'Garage roof — Lindenstraße 12 ☀';
  const a = encryptField(keyring, text, context);
  const b = encryptField(keyring, text, context);
  assert.is.not(a, b);
  assert.is(fieldKeyId(a), keyring.current.id);
  assert.not.ok(a.includes('Garage'));
  assert.is(decryptField(keyring, a, context), text);
  assert.is(decryptField(keyring, encryptField(keyring, '', context), context), '');
});

test('every changed character of the data is refused as tampered', () => {
  const stored = encryptField(keyring, 'contact: +49 30 5550123', context);
  const dataStart = stored.lastIndexOf('.') + 1;
  for (let i = dataStart; i < stored.length; i += 1) {
    const flipped = stored.slice(0, i) + (stored[i] === 'A' ? 'B' : 'A') + stored.slice(i + 1);
    if (flipped === stored) continue;
    const code = codeOf(() => decryptField(keyring, flipped, context));
    assert.ok(code === 'tampered_ciphertext' || code === 'bad_ciphertext', `position ${i}: ${code}`);
  }
});

test('a ciphertext moved to another row or column is refused', () => {
  const stored = encryptField(keyring, 'secret', context);
  assert.is(codeOf(() => decryptField(keyring, stored, context.replace('01', '02'))), 'tampered_ciphertext');
  assert.is(codeOf(() => decryptField(keyring, stored, context.replace('label', 'owner_contact'))), 'tampered_ciphertext');
});

test('wrong key: unknown key id refused; the right id over another key fails authentication', () => {
  const stored = encryptField(keyring, 'secret', context);
  const other = createDataKeyring([randomBytes(32)]);
  assert.is(codeOf(() => decryptField(other, stored, context)), 'unknown_data_key');
  const relabelled = stored.replace(keyring.current.id, other.current.id);
  assert.is(codeOf(() => decryptField(other, relabelled, context)), 'tampered_ciphertext');
});

test('rotation: a ring with the old key behind the new one reads old values and writes under the new key', () => {
  const oldKey = randomBytes(32);
  const before = createDataKeyring([oldKey]);
  const stored = encryptField(before, 'kept across rotation', context);
  const after = createDataKeyring([randomBytes(32), oldKey]);
  assert.is(decryptField(after, stored, context), 'kept across rotation');
  assert.is(fieldKeyId(encryptField(after, 'x', context)), after.current.id);
  assert.is.not(after.current.id, before.current.id);
});

test('malformed stored values are refused with bad_ciphertext', () => {
  assert.is(codeOf(() => decryptField(keyring, 'plain text', context)), 'bad_ciphertext');
  assert.is(codeOf(() => decryptField(keyring, `pet-gcm1.${keyring.current.id}.AAAA.AAAA`, context)), 'bad_ciphertext');
});

test.run();
