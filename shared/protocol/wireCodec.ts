/**
 * The JSON wire format of protocol v1 (docs/protocol.md §"Wire format"). Decoding happens once, at the edge:
 * what comes out is a typed record whose every field is in range. The verifier never trusts the text: it
 * rebuilds the canonical bytes from these typed fields.
 */
import { hexToBytes } from './hex.ts';
import { ProtocolError } from './protocolError.ts';
import type { MeterRecord, SealRecord } from './recordTypes.ts';
import {
  MAX_INT32,
  MAX_POWER_FACTOR_PERMILLE,
  MAX_UINT16,
  MAX_UINT32,
  MAX_UINT48,
  MIN_INT32,
  PROTOCOL_VERSION,
} from './recordTypes.ts';
import { SIGNATURE_BYTE_LENGTH, checkSignatureShape } from './signatureShape.ts';
import { type FlatJsonValue, readFlatJsonObject } from './strictJson.ts';

/** Largest accepted payload, bytes. A seal's JSON is about 560 bytes; anything far larger is hostile. */
export const MAX_PAYLOAD_BYTES = 1024;

type FieldSpec =
  | { name: string; type: 'integer'; min: number; max: number }
  | { name: string; type: 'hex'; byteLength: number }
  | { name: string; type: 'constant'; value: FlatJsonValue };

const headerFields = (kind: string): FieldSpec[] => [
  { name: 'v', type: 'constant', value: PROTOCOL_VERSION },
  { name: 'kind', type: 'constant', value: kind },
  { name: 'meter', type: 'hex', byteLength: 20 },
  { name: 'seq', type: 'integer', min: 0, max: MAX_UINT32 },
  { name: 'prev', type: 'hex', byteLength: 32 },
];

const uint = (name: string, max: number): FieldSpec => ({ name, type: 'integer', min: 0, max });

/** Field order here is the order {@link encodeRecordJson} writes. */
const sampleFields: FieldSpec[] = [
  ...headerFields('sample'),
  uint('timeS', MAX_UINT32),
  uint('importWh', MAX_UINT48),
  uint('exportWh', MAX_UINT48),
  { name: 'powerW', type: 'integer', min: MIN_INT32, max: MAX_INT32 },
  uint('voltageDv', MAX_UINT16),
  uint('currentMa', MAX_UINT32),
  uint('powerFactorPermille', MAX_POWER_FACTOR_PERMILLE),
];

const sealFields: FieldSpec[] = [
  ...headerFields('seal'),
  uint('startS', MAX_UINT32),
  uint('endS', MAX_UINT32),
  uint('importStartWh', MAX_UINT48),
  uint('importEndWh', MAX_UINT48),
  uint('exportStartWh', MAX_UINT48),
  uint('exportEndWh', MAX_UINT48),
  uint('sampleCount', MAX_UINT16),
  { name: 'sig', type: 'hex', byteLength: SIGNATURE_BYTE_LENGTH },
];

const fieldsByKind: Record<string, FieldSpec[]> = { sample: sampleFields, seal: sealFields };

function checkField(spec: FieldSpec, value: FlatJsonValue): void {
  switch (spec.type) {
    case 'constant':
      if (value !== spec.value) {
        if (spec.name === 'v') {
          throw new ProtocolError('unsupported_version', `expected protocol version ${PROTOCOL_VERSION}, got ${JSON.stringify(value)}`, 'v');
        }
        throw new ProtocolError('wrong_type', `expected ${JSON.stringify(spec.value)}, got ${JSON.stringify(value)}`, spec.name);
      }
      return;
    case 'integer':
      if (typeof value !== 'number') throw new ProtocolError('wrong_type', 'expected an integer, got a string', spec.name);
      if (value < 0 && spec.min === 0) throw new ProtocolError('negative', `expected a non-negative integer, got ${value}`, spec.name);
      if (value < spec.min || value > spec.max) {
        throw new ProtocolError('out_of_range', `expected ${spec.min} … ${spec.max}, got ${value}`, spec.name);
      }
      return;
    case 'hex':
      if (typeof value !== 'string') throw new ProtocolError('wrong_type', 'expected a hex string, got a number', spec.name);
      hexToBytes(value, spec.byteLength, spec.name);
      return;
  }
}

function checkSealOrder(seal: SealRecord): void {
  if (seal.endS <= seal.startS) {
    throw new ProtocolError('interval_order', `expected endS > startS, got ${seal.startS} … ${seal.endS}`, 'endS');
  }
  if (seal.importEndWh < seal.importStartWh) {
    throw new ProtocolError('counter_order', `import register ran backwards: ${seal.importStartWh} → ${seal.importEndWh}`, 'importEndWh');
  }
  if (seal.exportEndWh < seal.exportStartWh) {
    throw new ProtocolError('counter_order', `export register ran backwards: ${seal.exportStartWh} → ${seal.exportEndWh}`, 'exportEndWh');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one wire payload into a typed record, or throws a {@link ProtocolError} with the reason.
 * A seal's signature is checked for shape here (length, v, r and s in range, low-S); whether it was made by the
 * named meter is {@link verifySeal}'s job, which the relay runs off its event loop.
 */
export function decodeRecord(payload: Uint8Array | string): MeterRecord {
  const byteLength = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (byteLength > MAX_PAYLOAD_BYTES) {
    throw new ProtocolError('payload_too_large', `expected at most ${MAX_PAYLOAD_BYTES} bytes, got ${byteLength}`);
  }
  let text: string;
  try {
    text = typeof payload === 'string' ? payload : utf8.decode(payload);
  } catch {
    throw new ProtocolError('malformed_json', 'payload is not valid UTF-8');
  }
  const fields = readFlatJsonObject(text);
  if (!fields.has('v')) throw new ProtocolError('missing_field', 'field is required', 'v');
  checkField(headerFields('')[0]!, fields.get('v')!);
  const kind = fields.get('kind');
  if (kind === undefined) throw new ProtocolError('missing_field', 'field is required', 'kind');
  const specs = typeof kind === 'string' ? fieldsByKind[kind] : undefined;
  if (specs === undefined) throw new ProtocolError('unknown_kind', `expected "sample" or "seal", got ${JSON.stringify(kind)}`, 'kind');
  for (const spec of specs) {
    const value = fields.get(spec.name);
    if (value === undefined) throw new ProtocolError('missing_field', 'field is required', spec.name);
    checkField(spec, value);
  }
  if (fields.size !== specs.length) {
    const known = new Set(specs.map((spec) => spec.name));
    const extra = [...fields.keys()].find((name) => !known.has(name))!;
    throw new ProtocolError('unknown_field', `field is not part of a ${kind} record`, extra.slice(0, 64));
  }
  const record = Object.fromEntries(fields) as unknown as MeterRecord;
  if (record.kind === 'seal') {
    checkSealOrder(record);
    checkSignatureShape(hexToBytes(record.sig, SIGNATURE_BYTE_LENGTH, 'sig'));
  }
  return record;
}

/** The record's wire JSON, fields in documented order, no whitespace. */
export function encodeRecordJson(record: MeterRecord): string {
  const specs = record.kind === 'sample' ? sampleFields : sealFields;
  const source = record as unknown as Record<string, FlatJsonValue>;
  return '{' + specs.map((spec) => `${JSON.stringify(spec.name)}:${JSON.stringify(source[spec.name])}`).join(',') + '}';
}

