/**
 * The canonical binary layout of protocol v1 records: the bytes that are hashed and signed. Fixed offsets,
 * big-endian integers, no optional fields (docs/protocol.md §"Canonical bytes").
 *
 * This file runs on the meter too (Espruino's JavaScript subset): plain numbers and Uint8Array only, no BigInt,
 * no DataView tricks, no Math.pow.
 */
import type { SampleRecord, UnsignedSealRecord } from './recordTypes.ts';
import { RECORD_KIND_SAMPLE, RECORD_KIND_SEAL } from './recordTypes.ts';

/** Length of a sample's canonical bytes. */
export const SAMPLE_BYTE_LENGTH = 86;
/** Length of a seal's canonical bytes (the signature is not part of them). */
export const SEAL_BYTE_LENGTH = 92;
/** Offset where the kind-specific body starts, after version, kind, meter, seq and prev. */
const BODY_OFFSET = 58;

const TWO_POW_32 = 0x100000000;

function writeUint16(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 8) & 0xff;
  out[offset + 1] = value & 0xff;
}

function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 24) & 0xff;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

/** Two's complement for negative values; `>>>` on the interpreter's int32 gives the same bits. */
function writeInt32(out: Uint8Array, offset: number, value: number): void {
  writeUint32(out, offset, value < 0 ? value + TWO_POW_32 : value);
}

/** Values up to 2^48 − 1 are exact doubles; split into a 16-bit high part and a 32-bit low part. */
function writeUint48(out: Uint8Array, offset: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  writeUint16(out, offset, high);
  writeUint32(out, offset + 2, value - high * TWO_POW_32);
}

function hexDigitValue(code: number): number {
  return code <= 57 ? code - 48 : code - 87;
}

/** Copies already-validated lower-case `0x` hex into `out`. */
function writeHex(out: Uint8Array, offset: number, hex: string, byteLength: number): void {
  for (let i = 0; i < byteLength; i++) {
    out[offset + i] = (hexDigitValue(hex.charCodeAt(2 + i * 2)) << 4) | hexDigitValue(hex.charCodeAt(3 + i * 2));
  }
}

function writeHeader(out: Uint8Array, kind: number, meter: string, seq: number, prev: string): void {
  out[0] = 1;
  out[1] = kind;
  writeHex(out, 2, meter, 20);
  writeUint32(out, 22, seq);
  writeHex(out, 26, prev, 32);
}

/** Canonical bytes of a sample (86 bytes). */
export function encodeSampleBytes(sample: SampleRecord): Uint8Array {
  const out = new Uint8Array(SAMPLE_BYTE_LENGTH);
  writeHeader(out, RECORD_KIND_SAMPLE, sample.meter, sample.seq, sample.prev);
  writeUint32(out, BODY_OFFSET, sample.timeS);
  writeUint48(out, BODY_OFFSET + 4, sample.importWh);
  writeUint48(out, BODY_OFFSET + 10, sample.exportWh);
  writeInt32(out, BODY_OFFSET + 16, sample.powerW);
  writeUint16(out, BODY_OFFSET + 20, sample.voltageDv);
  writeUint32(out, BODY_OFFSET + 22, sample.currentMa);
  writeUint16(out, BODY_OFFSET + 26, sample.powerFactorPermille);
  return out;
}

/** Canonical bytes of a seal without its signature (92 bytes). */
export function encodeSealBytes(seal: UnsignedSealRecord): Uint8Array {
  const out = new Uint8Array(SEAL_BYTE_LENGTH);
  writeHeader(out, RECORD_KIND_SEAL, seal.meter, seal.seq, seal.prev);
  writeUint32(out, BODY_OFFSET, seal.startS);
  writeUint32(out, BODY_OFFSET + 4, seal.endS);
  writeUint48(out, BODY_OFFSET + 8, seal.importStartWh);
  writeUint48(out, BODY_OFFSET + 14, seal.importEndWh);
  writeUint48(out, BODY_OFFSET + 20, seal.exportStartWh);
  writeUint48(out, BODY_OFFSET + 26, seal.exportEndWh);
  writeUint16(out, BODY_OFFSET + 32, seal.sampleCount);
  return out;
}
