/**
 * Loads the protocol v1 test vectors (shared/protocol/vectors/protocol-v1.json) for tests and tools.
 */
import { readFileSync } from 'node:fs';
import type { MeterRecord } from './recordTypes.ts';

export interface ProtocolVector {
  name: string;
  privateKey: string;
  address: string;
  record: MeterRecord;
  canonicalBytes: string;
  digest: string;
  signature?: string;
  wire: string;
}

/** Path of the vector file, for tools in other languages (forge tests read the same file). */
export const PROTOCOL_VECTORS_URL = new URL('./vectors/protocol-v1.json', import.meta.url);

export function loadProtocolVectors(): ProtocolVector[] {
  return (JSON.parse(readFileSync(PROTOCOL_VECTORS_URL, 'utf8')) as { vectors: ProtocolVector[] }).vectors;
}
