import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMeterCommand } from './meterCommand.ts';

const DIGEST = '0x' + 'ab'.repeat(32);

test('parses the relay commands the firmware acts on', () => {
  assert.equal(parseMeterCommand('{"cmd":"time","timeS":1767225600}'), { cmd: 'time', value: 1767225600, digest: '' });
  assert.equal(parseMeterCommand('{"cmd":"resend","fromSeq":12}'), { cmd: 'resend', value: 12, digest: '' });
  assert.equal(parseMeterCommand(`{"cmd":"ack","uptoSeq":0,"digest":"${DIGEST}"}`), { cmd: 'ack', value: 0, digest: DIGEST });
});

test('an ack digest is taken with or without 0x, in either case, and kept as 0x lower-case hex', () => {
  assert.equal(parseMeterCommand(`{"cmd":"ack","uptoSeq":5,"digest":"${'AB'.repeat(32)}"}`), { cmd: 'ack', value: 5, digest: DIGEST });
  assert.equal(parseMeterCommand(`{"cmd":"ack","uptoSeq":5,"digest":"${'ab'.repeat(32)}"}`), { cmd: 'ack', value: 5, digest: DIGEST });
});

test('market news is accepted and carries nothing to act on', () => {
  assert.equal(parseMeterCommand('{"cmd":"market","type":"trade","data":{"energyWh":500}}'), { cmd: 'market', value: 0, digest: '' });
});

test('bad commands become a problem text, never an exception', () => {
  assert.type(parseMeterCommand('not json'), 'string');
  assert.type(parseMeterCommand('null'), 'string');
  assert.type(parseMeterCommand('{"cmd":"reboot"}'), 'string');
  assert.type(parseMeterCommand('{"cmd":"resend","fromSeq":-1}'), 'string');
  assert.type(parseMeterCommand('{"cmd":"time","timeS":1.5}'), 'string');
});

test('an ack without a well-formed digest is refused: it could drop records nobody received', () => {
  assert.match(parseMeterCommand('{"cmd":"ack","uptoSeq":3}') as string, /digest/);
  assert.match(parseMeterCommand(`{"cmd":"ack","uptoSeq":3,"digest":"${'ab'.repeat(31)}"}`) as string, /digest/);
  assert.match(parseMeterCommand(`{"cmd":"ack","uptoSeq":3,"digest":"0x${'zz'.repeat(32)}"}`) as string, /digest/);
  assert.match(parseMeterCommand('{"cmd":"ack","uptoSeq":3,"digest":42}') as string, /digest/);
});

test('a missing field is named as missing, not shown as null (Espruino stringifies undefined as "null")', () => {
  assert.is(parseMeterCommand('{"cmd":"ack","uptoSeq":3}'), 'cmd: expected digest as 64 hex digits in an ack, got nothing');
  assert.is(parseMeterCommand('{"cmd":"ack","uptoSeq":3,"digest":null}'), 'cmd: expected digest as 64 hex digits in an ack, got null');
  assert.is(parseMeterCommand('{"timeS":5}'), 'cmd: expected "time", "resend", "ack" or "market", got nothing');
});

test.run();
