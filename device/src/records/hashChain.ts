/**
 * The meter's hash chain (DESIGN §4): every record names the SHA-256 digest of the previous record's canonical
 * bytes in `prev` and takes the next sequence number. The digest of a seal covers its fields but not its
 * signature, so the chain moves on at once while the signature is computed later, in slices.
 */
import { encodeSampleBytes, encodeSealBytes } from '../../../shared/protocol/canonicalBytes.ts';
import type { SampleRecord, UnsignedSealRecord } from '../../../shared/protocol/recordTypes.ts';
import type { Sha256Function as Sha256 } from '../crypto/sha256Function.ts';
import { bytesToHex } from './digestHex.ts';

/** Where the chain stands: the next record's `seq` and `prev`. */
export interface ChainHead {
  nextSeq: number;
  prevHex: string;
}

/** Digest of a sample's canonical bytes. */
export function sampleDigest(sha256: Sha256, sample: SampleRecord): Uint8Array {
  return sha256(encodeSampleBytes(sample));
}

/** Digest of a seal's canonical bytes: what the next record names as `prev` and what the meter key signs. */
export function sealDigest(sha256: Sha256, seal: UnsignedSealRecord): Uint8Array {
  return sha256(encodeSealBytes(seal));
}

/** Moves the head past a record whose digest is `digest`. */
export function advanceChain(head: ChainHead, digest: Uint8Array): void {
  head.nextSeq++;
  head.prevHex = bytesToHex(digest);
}
