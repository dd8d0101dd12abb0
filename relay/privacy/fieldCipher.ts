/**
 * AES-256-GCM (NIST SP 800-38D) for personal fields at rest, with node:crypto. A stored value is one text:
 *
 *     pet-gcm1.<keyId>.<iv: 12 bytes, base64url>.<ciphertext ‖ 16-byte tag, base64url>
 *
 * The additional authenticated data is `pet-gcm1|<keyId>|<context>`, where the context names the column and the
 * row (e.g. `meter_profiles.label|0xabc…`): a ciphertext copied to another row or column, or relabelled with
 * another key id, fails authentication instead of decrypting. IVs are 96 random bits per encryption; at far
 * fewer than 2^32 encryptions per key the GCM nonce-collision bound (SP 800-38D §8.3) is not a concern.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyring } from './dataKeyring.ts';
import { PrivacyError } from './privacyError.ts';

const PREFIX = 'pet-gcm1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${PREFIX}|${keyId}|${context}`, 'utf8');
}

/**
 * Encrypts `plaintext` under the keyring's current key, bound to `context`.
 * @example const stored = encryptField(keyring, 'Flat 3, +49 30 1234', `meter_profiles.owner_contact|${meter}`);
 */
export function encryptField(keyring: DataKeyring, plaintext: string, context: string): string {
  const key = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.fieldKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, context));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${key.id}.${iv.toString('base64url')}.${data.toString('base64url')}`;
}

/** The key id a stored value was written under, or undefined when it is not a field ciphertext. */
export function fieldKeyId(stored: string): string | undefined {
  const parts = stored.split('.');
  return parts.length === 4 && parts[0] === PREFIX ? parts[1] : undefined;
}

/**
 * Decrypts a value written by {@link encryptField} for the same `context`.
 * @throws {PrivacyError} `bad_ciphertext`, `unknown_data_key` or `tampered_ciphertext`.
 */
export function decryptField(keyring: DataKeyring, stored: string, context: string): string {
  const parts = stored.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) {
    throw new PrivacyError('bad_ciphertext', `expected "${PREFIX}.<keyId>.<iv>.<data>", got ${parts.length} dot-separated parts starting "${String(parts[0]).slice(0, 12)}"`);
  }
  const [, keyId, ivText, dataText] = parts as [string, string, string, string];
  const key = keyring.byId.get(keyId);
  if (key === undefined) {
    throw new PrivacyError('unknown_data_key', `ciphertext is under data key ${keyId.slice(0, 20)}, which this relay does not hold (it holds ${[...keyring.byId.keys()].join(', ')}); add the old key to PET_DATA_KEY_PREVIOUS`);
  }
  const iv = Buffer.from(ivText, 'base64url');
  const data = Buffer.from(dataText, 'base64url');
  if (iv.length !== IV_BYTES || data.length < TAG_BYTES) {
    throw new PrivacyError('bad_ciphertext', `expected a ${IV_BYTES}-byte IV and at least ${TAG_BYTES} bytes of data, got ${iv.length} and ${data.length}`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.fieldKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new PrivacyError('tampered_ciphertext', `AES-GCM authentication failed for ${context}: the stored value was changed, moved from another row, or the key is wrong`, { cause: error });
  }
}
