/**
 * The keys that protect personal fields at rest: the current 32-byte data key (`PET_DATA_KEY`) and any previous
 * ones still needed to read older ciphertexts (`PET_DATA_KEY_PREVIOUS`). Each key is known by an id derived from
 * it, stored beside every ciphertext and pseudonym so that a key can be rotated without a flag day.
 *
 * Separate subkeys are derived per purpose with HKDF-SHA256 (RFC 5869), so the AES key and the pseudonym HMAC key
 * are never the same bytes.
 */
import { createHash, hkdfSync } from 'node:crypto';

/** One data key with its id and derived subkeys. */
export interface DataKey {
  /** `k` + 16 hex digits of SHA-256("pet-data-key-id" ‖ key): identifies the key without revealing it. */
  id: string;
  /** AES-256-GCM key for personal fields. */
  fieldKey: Buffer;
  /** HMAC-SHA256 key for owner pseudonyms. */
  pseudonymKey: Buffer;
}

/** Current key (used to write) and every key that may read. */
export interface DataKeyring {
  current: DataKey;
  byId: ReadonlyMap<string, DataKey>;
}

export const DATA_KEY_BYTES = 32;

function derive(key: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
}

/** Builds the {@link DataKey} of 32 raw bytes. */
export function toDataKey(key: Uint8Array): DataKey {
  if (key.length !== DATA_KEY_BYTES) throw new RangeError(`expected a ${DATA_KEY_BYTES}-byte data key, got ${key.length} bytes`);
  const id = 'k' + createHash('sha256').update('pet-data-key-id').update(key).digest('hex').slice(0, 16);
  return { id, fieldKey: derive(key, 'pet field encryption v1'), pseudonymKey: derive(key, 'pet owner pseudonym v1') };
}

/**
 * A keyring whose first key writes and all keys read.
 * @example const keyring = createDataKeyring([randomBytes(32)]);
 */
export function createDataKeyring(keys: readonly Uint8Array[]): DataKeyring {
  if (keys.length === 0) throw new RangeError('expected at least one data key');
  const all = keys.map(toDataKey);
  return Object.freeze({ current: all[0]!, byId: new Map(all.map((key) => [key.id, key])) });
}
