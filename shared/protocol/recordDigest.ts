import { sha256 } from '@noble/hashes/sha2.js';
import { encodeSampleBytes, encodeSealBytes } from './canonicalBytes.ts';
import { bytesToHex } from './hex.ts';
import type { MeterRecord } from './recordTypes.ts';

/** Canonical bytes of any record (a seal's signature is not part of them). */
export function encodeRecordBytes(record: MeterRecord): Uint8Array {
  return record.kind === 'sample' ? encodeSampleBytes(record) : encodeSealBytes(record);
}

/** SHA-256 of the record's canonical bytes: what the next record names as `prev` and what a seal's key signs. */
export function recordDigest(record: MeterRecord): Uint8Array {
  return sha256(encodeRecordBytes(record));
}

/** {@link recordDigest} as the lower-case hex that `prev` fields carry. */
export function recordDigestHex(record: MeterRecord): string {
  return bytesToHex(recordDigest(record));
}
