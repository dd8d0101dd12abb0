import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeSampleBytes, encodeSealBytes } from './canonicalBytes.ts';
import { decodeSampleBytes, decodeSealBytes } from './canonicalDecode.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import type { SampleRecord, SealRecord } from './recordTypes.ts';
import { MAX_INT32, MAX_UINT16, MAX_UINT32, MAX_UINT48, MIN_INT32 } from './recordTypes.ts';
import { verifySeal } from './sealSignature.ts';
import { loadProtocolVectors } from './vectorFile.ts';
import { decodeRecord, encodeRecordJson } from './wireCodec.ts';

const seals = loadProtocolVectors().filter((v) => v.record.kind === 'seal').slice(0, 4);

function verifies(canonical: Uint8Array, signature: Uint8Array): boolean {
  try {
    const unsigned = decodeSealBytes(canonical);
    verifySeal({ ...unsigned, sig: bytesToHex(signature) });
    return true;
  } catch {
    return false;
  }
}

for (const vector of seals) {
  test(`flipping any single byte of the signed seal "${vector.name}" fails verification`, () => {
    const signed = new Uint8Array([...hexToBytes(vector.canonicalBytes, 92, 'c'), ...hexToBytes(vector.signature!, 65, 's')]);
    assert.ok(verifies(signed.subarray(0, 92), signed.subarray(92)), 'the untouched record must verify');
    for (let index = 0; index < signed.length; index++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const tampered = signed.slice();
        tampered[index] = tampered[index]! ^ mask;
        assert.not.ok(verifies(tampered.subarray(0, 92), tampered.subarray(92)), `byte ${index} ^ 0x${mask.toString(16)} still verified`);
      }
    }
  });

  test(`flipping any character of the seal's wire JSON "${vector.name}" is rejected`, () => {
    for (let index = 0; index < vector.wire.length; index++) {
      const code = vector.wire.charCodeAt(index);
      const tampered = vector.wire.slice(0, index) + String.fromCharCode(code ^ 0x01) + vector.wire.slice(index + 1);
      let accepted = false;
      try {
        const record = decodeRecord(tampered);
        if (record.kind === 'seal') verifySeal(record);
        accepted = true;
      } catch {
        accepted = false;
      }
      assert.not.ok(accepted, `character ${index} flipped still verified: ${tampered}`);
    }
  });
}

const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(bytesToHex);
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);
const uint48 = fc.integer({ min: 0, max: MAX_UINT48 });

test('sample canonical bytes round-trip for random records', () => {
  const sample = fc.record<SampleRecord>({
    v: fc.constant(1), kind: fc.constant('sample'), meter: address, seq: fc.integer({ min: 0, max: MAX_UINT32 }), prev: digest,
    timeS: fc.integer({ min: 0, max: MAX_UINT32 }), importWh: uint48, exportWh: uint48,
    powerW: fc.integer({ min: MIN_INT32, max: MAX_INT32 }), voltageDv: fc.integer({ min: 0, max: MAX_UINT16 }),
    currentMa: fc.integer({ min: 0, max: MAX_UINT32 }), powerFactorPermille: fc.integer({ min: 0, max: 1000 }),
  });
  fc.assert(fc.property(sample, (generated) => {
    const record = { ...generated }; // fast-check builds null-prototype objects
    assert.equal(decodeSampleBytes(encodeSampleBytes(record)), record);
    assert.equal(decodeRecord(encodeRecordJson(record)), record);
  }), { numRuns: 2000 });
});

test('seal canonical bytes round-trip for random records', () => {
  const seal = fc.record({
    v: fc.constant(1 as const), kind: fc.constant('seal' as const), meter: address, seq: fc.integer({ min: 0, max: MAX_UINT32 }), prev: digest,
    startS: fc.integer({ min: 0, max: MAX_UINT32 }), endS: fc.integer({ min: 0, max: MAX_UINT32 }),
    importStartWh: uint48, importEndWh: uint48, exportStartWh: uint48, exportEndWh: uint48, sampleCount: fc.integer({ min: 0, max: MAX_UINT16 }),
  });
  fc.assert(fc.property(seal, (generated) => {
    const record = { ...generated };
    assert.equal(decodeSealBytes(encodeSealBytes(record)), record);
  }), { numRuns: 2000 });
});

test('distinct seals never share canonical bytes (the layout is one-to-one)', () => {
  const base = seals[0]!.record as SealRecord;
  const { sig: _sig, ...unsigned } = base;
  const seen = new Set<string>();
  for (const field of ['seq', 'startS', 'endS', 'importStartWh', 'importEndWh', 'exportStartWh', 'exportEndWh', 'sampleCount'] as const) {
    const changed = { ...unsigned, [field]: (unsigned[field] as number) + 1 };
    seen.add(bytesToHex(encodeSealBytes(changed)));
  }
  seen.add(bytesToHex(encodeSealBytes(unsigned)));
  assert.is(seen.size, 9);
});

test.run();
