/**
 * Reads canonical bytes back into typed records: for tools that receive the binary form (an auditor replaying
 * settlement calldata, a gateway for binary meters) and for the tests that prove the layout is one-to-one.
 */
import { SAMPLE_BYTE_LENGTH, SEAL_BYTE_LENGTH } from './canonicalBytes.ts';
import { bytesToHex } from './hex.ts';
import { ProtocolError } from './protocolError.ts';
import type { SampleRecord, UnsignedSealRecord } from './recordTypes.ts';
import { MAX_POWER_FACTOR_PERMILLE, PROTOCOL_VERSION, RECORD_KIND_SAMPLE, RECORD_KIND_SEAL } from './recordTypes.ts';

function readUint(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[offset + i]!;
  return value;
}

function readInt32(bytes: Uint8Array, offset: number): number {
  const value = readUint(bytes, offset, 4);
  return value >= 0x80000000 ? value - 0x100000000 : value;
}

function readHeader(bytes: Uint8Array, kind: number, expectedLength: number) {
  if (bytes.length !== expectedLength) {
    throw new ProtocolError('wrong_length', `expected ${expectedLength} bytes, got ${bytes.length}`);
  }
  if (bytes[0] !== PROTOCOL_VERSION) {
    throw new ProtocolError('unsupported_version', `expected protocol version ${PROTOCOL_VERSION}, got ${bytes[0]}`, 'v');
  }
  if (bytes[1] !== kind) throw new ProtocolError('unknown_kind', `expected kind byte ${kind}, got ${bytes[1]}`, 'kind');
  return {
    v: 1 as const,
    meter: bytesToHex(bytes.subarray(2, 22)),
    seq: readUint(bytes, 22, 4),
    prev: bytesToHex(bytes.subarray(26, 58)),
  };
}

/** Inverse of `encodeSampleBytes`. */
export function decodeSampleBytes(bytes: Uint8Array): SampleRecord {
  const header = readHeader(bytes, RECORD_KIND_SAMPLE, SAMPLE_BYTE_LENGTH);
  const powerFactorPermille = readUint(bytes, 84, 2);
  if (powerFactorPermille > MAX_POWER_FACTOR_PERMILLE) {
    throw new ProtocolError('out_of_range', `expected 0 … 1000, got ${powerFactorPermille}`, 'powerFactorPermille');
  }
  return {
    ...header,
    kind: 'sample',
    timeS: readUint(bytes, 58, 4),
    importWh: readUint(bytes, 62, 6),
    exportWh: readUint(bytes, 68, 6),
    powerW: readInt32(bytes, 74),
    voltageDv: readUint(bytes, 78, 2),
    currentMa: readUint(bytes, 80, 4),
    powerFactorPermille,
  };
}

/** Inverse of `encodeSealBytes`. */
export function decodeSealBytes(bytes: Uint8Array): UnsignedSealRecord {
  const header = readHeader(bytes, RECORD_KIND_SEAL, SEAL_BYTE_LENGTH);
  return {
    ...header,
    kind: 'seal',
    startS: readUint(bytes, 58, 4),
    endS: readUint(bytes, 62, 4),
    importStartWh: readUint(bytes, 66, 6),
    importEndWh: readUint(bytes, 72, 6),
    exportStartWh: readUint(bytes, 78, 6),
    exportEndWh: readUint(bytes, 84, 6),
    sampleCount: readUint(bytes, 90, 2),
  };
}
