/**
 * Writes shared/protocol/vectors/protocol-v1.json: records with edge values, their canonical bytes, digests and
 * signatures, made with @noble/curves. Both the TypeScript and the Solidity tests check every vector.
 * Run: node --import tsx scripts/generateProtocolVectors.ts
 */
import { writeFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeRecordBytes } from '../shared/protocol/recordDigest.ts';
import { bytesToHex } from '../shared/protocol/hex.ts';
import { addressFromPrivateKey } from '../shared/protocol/meterAddress.ts';
import type { MeterRecord, SampleRecord, UnsignedSealRecord } from '../shared/protocol/recordTypes.ts';
import { MAX_INT32, MAX_UINT16, MAX_UINT32, MAX_UINT48, MIN_INT32, ZERO_DIGEST_HEX } from '../shared/protocol/recordTypes.ts';
import { signSeal } from '../shared/protocol/sealSignature.ts';
import type { ProtocolVector } from '../shared/protocol/vectorFile.ts';
import { encodeRecordJson } from '../shared/protocol/wireCodec.ts';

const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const keyFromBigInt = (value: bigint): Uint8Array => Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
const keyFromLabel = (label: string): Uint8Array => sha256(new TextEncoder().encode(label));


const vectors: ProtocolVector[] = [];
function add(name: string, privateKey: Uint8Array, build: (meter: string) => SampleRecord | UnsignedSealRecord): MeterRecord {
  const meter = addressFromPrivateKey(privateKey);
  const built = build(meter);
  const record: MeterRecord = built.kind === 'seal' ? signSeal(built, privateKey) : built;
  const bytes = encodeRecordBytes(record);
  vectors.push({
    name,
    privateKey: bytesToHex(privateKey),
    address: meter,
    record,
    canonicalBytes: bytesToHex(bytes),
    digest: bytesToHex(sha256(bytes)),
    ...(record.kind === 'seal' ? { signature: record.sig } : {}),
    wire: encodeRecordJson(record),
  });
  return record;
}
const digestOf = (record: MeterRecord): string => bytesToHex(sha256(encodeRecordBytes(record)));

const sample = (meter: string, fields: Partial<SampleRecord>): SampleRecord => ({
  v: 1, kind: 'sample', meter, seq: 0, prev: ZERO_DIGEST_HEX, timeS: 1_767_225_600, importWh: 0, exportWh: 0,
  powerW: 0, voltageDv: 2300, currentMa: 0, powerFactorPermille: 1000, ...fields,
});
const seal = (meter: string, fields: Partial<UnsignedSealRecord>): UnsignedSealRecord => ({
  v: 1, kind: 'seal', meter, seq: 0, prev: ZERO_DIGEST_HEX, startS: 1_767_225_600, endS: 1_767_226_500,
  importStartWh: 0, importEndWh: 0, exportStartWh: 0, exportEndWh: 0, sampleCount: 0, ...fields,
});

// A short chain: two samples then the seal that commits to them.
const homeKey = keyFromLabel('peer-energy-trader vector home-1');
const first = add('chain: first sample (seq 0, zero prev)', homeKey, (m) => sample(m, { seq: 0, timeS: 1_767_225_610, importWh: 1200, exportWh: 3400, powerW: -1850, voltageDv: 2312, currentMa: 8120, powerFactorPermille: 991 }));
const second = add('chain: second sample', homeKey, (m) => sample(m, { seq: 1, prev: digestOf(first), timeS: 1_767_225_620, importWh: 1200, exportWh: 3405, powerW: -1790, voltageDv: 2309, currentMa: 7850, powerFactorPermille: 988 }));
const chainSeal = add('chain: seal over the two samples', homeKey, (m) => seal(m, { seq: 2, prev: digestOf(second), startS: 1_767_225_600, endS: 1_767_225_620, importStartWh: 1200, importEndWh: 1200, exportStartWh: 3400, exportEndWh: 3405, sampleCount: 2 }));
add('chain: next interval seal continues the counters', homeKey, (m) => seal(m, { seq: 3, prev: digestOf(chainSeal), startS: 1_767_225_620, endS: 1_767_225_640, importStartWh: 1200, importEndWh: 1201, exportStartWh: 3405, exportEndWh: 3409, sampleCount: 0 }));

// Samples with edge values.
add('sample: all zero (first record, key 1)', keyFromBigInt(1n), (m) => sample(m, { timeS: 0, voltageDv: 0, powerFactorPermille: 0 }));
add('sample: maximum registers and sequence', keyFromBigInt(2n), (m) => sample(m, { seq: MAX_UINT32, prev: '0x' + 'ff'.repeat(32), timeS: MAX_UINT32, importWh: MAX_UINT48, exportWh: MAX_UINT48, powerW: MAX_INT32, voltageDv: MAX_UINT16, currentMa: MAX_UINT32 }));
add('sample: most negative power (export)', keyFromBigInt(n - 1n), (m) => sample(m, { seq: 7, prev: '0x' + '01'.repeat(32), powerW: MIN_INT32 }));
add('sample: power −1 W (two\'s complement)', keyFromLabel('peer-energy-trader vector neg'), (m) => sample(m, { seq: 8, prev: '0x' + '80'.repeat(32), powerW: -1, importWh: 2 ** 32, exportWh: 2 ** 32 - 1 }));
add('sample: registers across the 32-bit boundary', keyFromLabel('peer-energy-trader vector boundary'), (m) => sample(m, { seq: 0x01020304, prev: '0x' + '0102030405060708'.repeat(4), importWh: 0x010203040506, exportWh: 0xfffefdfcfbfa, powerW: 0x01020304, currentMa: 0x80000000 }));

// Seals with edge values.
add('seal: first record of a chain, zero counters, key 1', keyFromBigInt(1n), (m) => seal(m, {}));
add('seal: key n − 1', keyFromBigInt(n - 1n), (m) => seal(m, { seq: 1, prev: '0x' + '11'.repeat(32), exportEndWh: 1 }));
add('seal: maximum registers', keyFromBigInt(2n), (m) => seal(m, { seq: 5, prev: '0x' + '22'.repeat(32), importStartWh: MAX_UINT48, importEndWh: MAX_UINT48, exportStartWh: MAX_UINT48 - 1, exportEndWh: MAX_UINT48 }));
add('seal: maximum sequence, time and sample count', keyFromBigInt(3n), (m) => seal(m, { seq: MAX_UINT32, prev: '0x' + 'ff'.repeat(32), startS: MAX_UINT32 - 1, endS: MAX_UINT32, sampleCount: MAX_UINT16 }));
add('seal: interval starting at time 0', keyFromBigInt(4n), (m) => seal(m, { seq: 1, prev: '0x' + '33'.repeat(32), startS: 0, endS: 1 }));
add('seal: 15-minute production interval', keyFromLabel('peer-energy-trader vector prosumer-a'), (m) => seal(m, { seq: 90, prev: '0x' + 'a5'.repeat(32), startS: 1_767_261_600, endS: 1_767_262_500, importStartWh: 5_400_100, importEndWh: 5_400_100, exportStartWh: 2_100_800, exportEndWh: 2_101_650, sampleCount: 90 }));
add('seal: consumption interval', keyFromLabel('peer-energy-trader vector consumer-b'), (m) => seal(m, { seq: 181, prev: '0x' + '5a'.repeat(32), startS: 1_767_261_600, endS: 1_767_262_500, importStartWh: 9_800_000, importEndWh: 9_800_420, exportStartWh: 0, exportEndWh: 0, sampleCount: 90 }));
add('seal: both registers move', keyFromLabel('peer-energy-trader vector mixed'), (m) => seal(m, { seq: 44, prev: '0x' + 'c3'.repeat(32), importStartWh: 100, importEndWh: 150, exportStartWh: 200, exportEndWh: 320, sampleCount: 45 }));
add('seal: registers across the 32-bit boundary', keyFromLabel('peer-energy-trader vector boundary'), (m) => seal(m, { seq: 0x01020305, prev: '0x' + '0f'.repeat(32), importStartWh: 0xffffffff, importEndWh: 0x100000000, exportStartWh: 0xfffffffe, exportEndWh: 0x100000001, sampleCount: 256 }));
for (let i = 0; i < 6; i++) {
  add(`seal: random key ${i}`, keyFromLabel(`peer-energy-trader vector random ${i}`), (m) => seal(m, {
    seq: 1000 + i * 977, prev: bytesToHex(keyFromLabel(`prev ${i}`)), startS: 1_767_300_000 + i * 900, endS: 1_767_300_900 + i * 900,
    importStartWh: 10_000 * i, importEndWh: 10_000 * i + 37 * i, exportStartWh: 50_000 + 123 * i, exportEndWh: 50_000 + 123 * i + 250 * i, sampleCount: 90,
  }));
}

const file = {
  about: 'Protocol v1 test vectors (docs/protocol.md). Canonical bytes, digest = SHA-256(canonical bytes), and for seals the signature r ‖ s ‖ v (v = 27 + recovery bit, RFC 6979, low-S) over the digest. Checked by TypeScript and Solidity tests.',
  vectors,
};
writeFileSync(new URL('../shared/protocol/vectors/protocol-v1.json', import.meta.url), JSON.stringify(file, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors`);
