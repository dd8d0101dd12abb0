import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSampleBytes, decodeSealBytes } from './canonicalDecode.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import { addressFromPrivateKey } from './meterAddress.ts';
import { encodeRecordBytes } from './recordDigest.ts';
import { signSeal, verifySeal } from './sealSignature.ts';
import { loadProtocolVectors } from './vectorFile.ts';
import { decodeRecord, encodeRecordJson } from './wireCodec.ts';

const vectors = loadProtocolVectors();

test('the vector file holds at least 20 vectors with samples, seals and chain starts', () => {
  assert.ok(vectors.length >= 20, `got ${vectors.length}`);
  assert.ok(vectors.some((v) => v.record.kind === 'sample'));
  assert.ok(vectors.filter((v) => v.record.kind === 'seal').length >= 10);
  assert.ok(vectors.some((v) => v.record.seq === 0 && /^0x0{64}$/.test(v.record.prev)));
  assert.ok(vectors.some((v) => v.record.seq === 0xffffffff));
});

test('the address of private key 1 is the well-known 0x7E5F…5Bdf', () => {
  const key = hexToBytes('0x' + '0'.repeat(63) + '1', 32, 'key');
  assert.is(addressFromPrivateKey(key), '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf');
});

for (const vector of vectors) {
  test(`vector "${vector.name}": canonical bytes, digest, address, wire form`, () => {
    const bytes = encodeRecordBytes(vector.record);
    assert.is(bytesToHex(bytes), vector.canonicalBytes);
    assert.is(bytesToHex(sha256(bytes)), vector.digest);
    assert.is(addressFromPrivateKey(hexToBytes(vector.privateKey, 32, 'key')), vector.address);
    assert.is(vector.record.meter, vector.address);
    assert.equal(decodeRecord(vector.wire), vector.record);
    assert.is(encodeRecordJson(vector.record), vector.wire);
    const decoded = vector.record.kind === 'sample' ? decodeSampleBytes(bytes) : decodeSealBytes(bytes);
    assert.equal(decoded, vector.record.kind === 'sample' ? vector.record : stripSig(vector.record));
  });

  if (vector.record.kind === 'seal') {
    const seal = vector.record;
    test(`vector "${vector.name}": signature checked by noble directly and reproduced`, () => {
      const signature = hexToBytes(vector.signature!, 65, 'sig');
      const publicKey = secp256k1.getPublicKey(hexToBytes(vector.privateKey, 32, 'key'), false);
      // Independent path: noble's verify over the compact r ‖ s, no prehash, low-S required.
      assert.ok(secp256k1.verify(signature.subarray(0, 64), hexToBytes(vector.digest, 32, 'digest'), publicKey, { prehash: false, lowS: true }));
      assert.ok(signature[64] === 27 || signature[64] === 28);
      verifySeal(seal);
      const { sig: _sig, ...unsigned } = seal;
      assert.is(signSeal(unsigned, hexToBytes(vector.privateKey, 32, 'key')).sig, vector.signature);
    });
  }
}

function stripSig(record: { sig?: string }): object {
  const { sig: _sig, ...rest } = record;
  return rest;
}

test.run();
