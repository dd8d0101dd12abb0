import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeDeliveryCommand, encodeAckCommand, encodeResendCommand } from './meterCommands.ts';
import { recordDigestHex } from './recordDigest.ts';
import type { SampleRecord } from './recordTypes.ts';
import { loadProtocolVectors } from './vectorFile.ts';

const vector = loadProtocolVectors().find((v) => v.name.startsWith('chain: second sample'))!;
const record = vector.record as SampleRecord;
const digestHex = recordDigestHex(record);

test('an ack names the seq and the record digest as 64 lower-case hex digits without 0x', () => {
  assert.is(digestHex.length, 66);
  const text = encodeAckCommand(record.seq, digestHex);
  assert.is(text, `{"cmd":"ack","uptoSeq":${record.seq},"digest":"${digestHex.slice(2)}"}`);
  assert.equal(JSON.parse(text), { cmd: 'ack', uptoSeq: record.seq, digest: digestHex.slice(2) });
  assert.is(encodeAckCommand(record.seq, digestHex.slice(2)), text, 'the bare digits give the same command');
});

test('a resend names the first missing seq', () => {
  assert.is(encodeResendCommand(0), '{"cmd":"resend","fromSeq":0}');
  assert.is(encodeResendCommand(0xffffffff), '{"cmd":"resend","fromSeq":4294967295}');
});

test('encoders refuse values no command may carry', () => {
  assert.throws(() => encodeAckCommand(-1, digestHex), /uptoSeq: expected an integer 0 … 4294967295, got -1/);
  assert.throws(() => encodeAckCommand(1.5, digestHex), /uptoSeq/);
  assert.throws(() => encodeAckCommand(2 ** 32, digestHex), /uptoSeq/);
  assert.throws(() => encodeAckCommand(1, digestHex.toUpperCase().replace('0X', '0x')), /digest: expected 64 lower-case hex digits/);
  assert.throws(() => encodeAckCommand(1, digestHex.slice(0, 64)), /digest/);
  assert.throws(() => encodeResendCommand(-3), /fromSeq: expected an integer/);
});

test('decode(encode(x)) = x, and anything else is not a delivery command', () => {
  assert.equal(decodeDeliveryCommand(encodeAckCommand(7, digestHex)), { cmd: 'ack', uptoSeq: 7, digest: digestHex.slice(2) });
  assert.equal(decodeDeliveryCommand(encodeResendCommand(9)), { cmd: 'resend', fromSeq: 9 });
  for (const text of [
    '{"cmd":"ack","uptoSeq":7}',
    `{"cmd":"ack","uptoSeq":7,"digest":"${digestHex}"}`,
    `{"cmd":"ack","uptoSeq":7.0,"digest":"${digestHex.slice(2)}"}`,
    `{"cmd":"ack","uptoSeq":7,"digest":"${digestHex.slice(2)}","extra":1}`,
    '{"cmd":"resend","fromSeq":-1}',
    '{"cmd":"resend","fromSeq":"9"}',
    '{"cmd":"time","timeS":1}',
    'not json',
  ]) {
    assert.is(decodeDeliveryCommand(text), undefined, text);
  }
});

test.run();
