import { secp256k1 } from '@noble/curves/secp256k1.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesToHex, hexToBytes } from './hex.ts';
import { ProtocolError, type ProtocolErrorCode } from './protocolError.ts';
import type { SampleRecord, SealRecord } from './recordTypes.ts';
import { signDigest, signSeal, verifySeal } from './sealSignature.ts';
import { SECP256K1_ORDER } from './signatureShape.ts';
import { loadProtocolVectors } from './vectorFile.ts';
import { MAX_PAYLOAD_BYTES, decodeRecord, encodeRecordJson } from './wireCodec.ts';

const vectors = loadProtocolVectors();
const sealVector = vectors.find((v) => v.name.startsWith('seal: 15-minute'))!;
const sampleVector = vectors.find((v) => v.name.startsWith('chain: second sample'))!;
const seal = sealVector.record as SealRecord;
const sample = sampleVector.record as SampleRecord;
const sealKey = hexToBytes(sealVector.privateKey, 32, 'key');

/** Wire text of the seal with some fields replaced by raw JSON value text. */
function sealWith(overrides: Record<string, string>): string {
  const fields = JSON.parse(sealVector.wire) as Record<string, unknown>;
  const parts = Object.keys(fields).map((key) => `"${key}":${key in overrides ? overrides[key] : JSON.stringify(fields[key])}`);
  for (const key of Object.keys(overrides)) if (!(key in fields)) parts.push(`"${key}":${overrides[key]}`);
  return '{' + parts.filter((part) => !part.endsWith(':undefined')).join(',') + '}';
}
function sampleWith(overrides: Record<string, string>): string {
  const fields = JSON.parse(sampleVector.wire) as Record<string, unknown>;
  const parts = Object.keys(fields).map((key) => `"${key}":${key in overrides ? overrides[key] : JSON.stringify(fields[key])}`);
  for (const key of Object.keys(overrides)) if (!(key in fields)) parts.push(`"${key}":${overrides[key]}`);
  return '{' + parts.filter((part) => !part.endsWith(':undefined')).join(',') + '}';
}
const withoutField = (wire: string, field: string): string => {
  const fields = JSON.parse(wire) as Record<string, unknown>;
  delete fields[field];
  return JSON.stringify(fields);
};
const sigWithBytes = (edit: (sig: Uint8Array) => void): string => {
  const sig = hexToBytes(seal.sig, 65, 'sig');
  edit(sig);
  return sealWith({ sig: JSON.stringify(bytesToHex(sig)) });
};
const toBytes32 = (value: bigint): Uint8Array => hexToBytes('0x' + value.toString(16).padStart(64, '0'), 32, 'n');

function expectRejected(name: string, payload: string | Uint8Array, code: ProtocolErrorCode, field?: string): void {
  test(`rejects ${name} with ${code}`, () => {
    try {
      const record = decodeRecord(payload);
      if (record.kind === 'seal') verifySeal(record);
    } catch (error) {
      assert.instance(error, ProtocolError);
      assert.is((error as ProtocolError).code, code, (error as Error).message);
      if (field !== undefined) assert.is((error as ProtocolError).field, field);
      return;
    }
    assert.unreachable(`accepted ${name}`);
  });
}

test('the base payloads are accepted', () => {
  assert.equal(decodeRecord(sealVector.wire), seal);
  assert.equal(decodeRecord(sampleVector.wire), sample);
  assert.equal(decodeRecord(Buffer.from(sampleVector.wire)), sample);
  assert.equal(decodeRecord(' \n' + sealVector.wire + '\t'), seal);
});

// Structure
expectRejected('an empty payload', '', 'malformed_json');
expectRejected('truncated JSON', sealVector.wire.slice(0, -1), 'malformed_json');
expectRejected('a JSON array', '[1,2]', 'malformed_json');
expectRejected('binary garbage', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 'malformed_json');
expectRejected('text after the object', sealVector.wire + '{}', 'malformed_json');
expectRejected('escapes in strings', sealWith({ kind: '"se\\u0061l"' }), 'malformed_json');
expectRejected('a control character in a string', sealWith({ kind: '"se\u0001al"' }), 'malformed_json');
expectRejected('a number with a leading zero', sealWith({ seq: '090' }), 'malformed_json');
expectRejected('an oversized payload', sealVector.wire + ' '.repeat(MAX_PAYLOAD_BYTES), 'payload_too_large');
expectRejected('a duplicate field', sealVector.wire.slice(0, -1) + ',"seq":1}', 'duplicate_field', 'seq');
// Fields
expectRejected('a missing version', withoutField(sealVector.wire, 'v'), 'missing_field', 'v');
expectRejected('a missing kind', withoutField(sealVector.wire, 'kind'), 'missing_field', 'kind');
expectRejected('a seal without a signature', withoutField(sealVector.wire, 'sig'), 'missing_field', 'sig');
expectRejected('a sample without its power', withoutField(sampleVector.wire, 'powerW'), 'missing_field', 'powerW');
expectRejected('an extra field', sealWith({ price: '5' }), 'unknown_field', 'price');
expectRejected('a sample field on a seal', sealWith({ timeS: '5' }), 'unknown_field', 'timeS');
expectRejected('an unknown protocol version', sealWith({ v: '2' }), 'unsupported_version', 'v');
expectRejected('a version written as a string', sealWith({ v: '"1"' }), 'unsupported_version', 'v');
expectRejected('an unknown record kind', sealWith({ kind: '"ocmf"' }), 'unknown_kind', 'kind');
// Types and numbers
expectRejected('a sequence number written as a string', sealWith({ seq: '"90"' }), 'wrong_type', 'seq');
expectRejected('a boolean', sealWith({ seq: 'true' }), 'wrong_type', 'seq');
expectRejected('a null', sampleWith({ powerW: 'null' }), 'wrong_type', 'powerW');
expectRejected('a nested object', sampleWith({ powerW: '{"w":1}' }), 'wrong_type', 'powerW');
expectRejected('a number written as a float (90.0)', sealWith({ seq: '90.0' }), 'not_integer', 'seq');
expectRejected('a number in exponent form (9e1)', sealWith({ seq: '9e1' }), 'not_integer', 'seq');
expectRejected('a fractional energy', sampleWith({ importWh: '1200.5' }), 'not_integer', 'importWh');
expectRejected('a negative register', sampleWith({ exportWh: '-1' }), 'negative', 'exportWh');
expectRejected('a negative sequence number', sealWith({ seq: '-5' }), 'negative', 'seq');
expectRejected('a register above 2^48 − 1', sealWith({ exportEndWh: String(2 ** 48) }), 'out_of_range', 'exportEndWh');
expectRejected('a sequence number above 2^32 − 1', sealWith({ seq: String(2 ** 32) }), 'out_of_range', 'seq');
expectRejected('power beyond int32', sampleWith({ powerW: String(-(2 ** 31) - 1) }), 'out_of_range', 'powerW');
expectRejected('a power factor above 1000', sampleWith({ powerFactorPermille: '1001' }), 'out_of_range', 'powerFactorPermille');
expectRejected('a 20-digit integer', sampleWith({ importWh: '12345678901234567890' }), 'out_of_range', 'importWh');
// Hex
expectRejected('an address without 0x', sealWith({ meter: JSON.stringify(seal.meter.slice(2)) }), 'bad_hex', 'meter');
expectRejected('an upper-case address', sealWith({ meter: JSON.stringify('0x' + seal.meter.slice(2).toUpperCase()) }), 'bad_hex', 'meter');
expectRejected('a non-hex digit', sealWith({ prev: JSON.stringify('0x' + 'g'.repeat(64)) }), 'bad_hex', 'prev');
expectRejected('a 19-byte address', sealWith({ meter: JSON.stringify(seal.meter.slice(0, -2)) }), 'wrong_length', 'meter');
expectRejected('a 33-byte digest', sealWith({ prev: JSON.stringify(seal.prev + '00') }), 'wrong_length', 'prev');
expectRejected('a 64-byte signature', sealWith({ sig: JSON.stringify(seal.sig.slice(0, -2)) }), 'wrong_length', 'sig');
// Seal semantics
expectRejected('an interval that ends before it starts', sealWith({ endS: String(seal.startS) }), 'interval_order', 'endS');
expectRejected('an export register that runs backwards', sealWith({ exportEndWh: String(seal.exportStartWh - 1) }), 'counter_order', 'exportEndWh');
expectRejected('an import register that runs backwards', sealWith({ importEndWh: String(seal.importStartWh - 1) }), 'counter_order', 'importEndWh');
// Signatures
expectRejected('a high-S signature (the malleable twin)', sigWithBytes((sig) => {
  const s = BigInt(bytesToHex(sig.subarray(32, 64)));
  sig.set(toBytes32(SECP256K1_ORDER - s), 32);
  sig[64] = sig[64] === 27 ? 28 : 27;
}), 'high_s', 'sig');
expectRejected('recovery id 0 (noble order, not Ethereum)', sigWithBytes((sig) => { sig[64] = sig[64]! - 27; }), 'bad_recovery_id', 'sig');
expectRejected('recovery id 29', sigWithBytes((sig) => { sig[64] = 29; }), 'bad_recovery_id', 'sig');
expectRejected('r = 0', sigWithBytes((sig) => { sig.fill(0, 0, 32); }), 'bad_signature', 'sig');
expectRejected('s = n', sigWithBytes((sig) => { sig.set(toBytes32(SECP256K1_ORDER), 32); }), 'bad_signature', 'sig');
expectRejected('the other recovery id', sigWithBytes((sig) => { sig[64] = sig[64] === 27 ? 28 : 27; }), 'signer_mismatch', 'sig');
expectRejected('a signature by another key', JSON.stringify(JSON.parse(encodeRecordJson(signSeal({ ...seal }, hexToBytes(vectors[0]!.privateKey, 32, 'k'))))), 'signer_mismatch', 'sig');
expectRejected('a valid signature of another seal', sealWith({ exportEndWh: String(seal.exportEndWh + 1) }), 'signer_mismatch', 'sig');
expectRejected('a signature in noble’s v ‖ r ‖ s order', (() => {
  const digest = hexToBytes(sealVector.digest, 32, 'd');
  const nobleOrder = secp256k1.sign(digest, sealKey, { prehash: false, format: 'recovered' });
  return sealWith({ sig: JSON.stringify(bytesToHex(nobleOrder)) });
})(), 'bad_recovery_id', 'sig');

test('signDigest output verifies and is low-S for many digests', () => {
  for (let i = 0; i < 50; i++) {
    const digest = new Uint8Array(32).fill(i);
    const sig = signDigest(digest, sealKey);
    const s = BigInt(bytesToHex(sig.subarray(32, 64)));
    assert.ok(s <= SECP256K1_ORDER >> 1n);
  }
});

test.run();
