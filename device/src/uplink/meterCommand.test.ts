import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMeterCommand } from './meterCommand.ts';

test('parses the relay commands the firmware acts on', () => {
  assert.equal(parseMeterCommand('{"cmd":"time","timeS":1767225600}'), { cmd: 'time', value: 1767225600 });
  assert.equal(parseMeterCommand('{"cmd":"resend","fromSeq":12}'), { cmd: 'resend', value: 12 });
  assert.equal(parseMeterCommand('{"cmd":"ack","uptoSeq":0}'), { cmd: 'ack', value: 0 });
});

test('market news is accepted and carries nothing to act on', () => {
  assert.equal(parseMeterCommand('{"cmd":"market","type":"trade","data":{"energyWh":500}}'), { cmd: 'market', value: 0 });
});

test('bad commands become a problem text, never an exception', () => {
  assert.type(parseMeterCommand('not json'), 'string');
  assert.type(parseMeterCommand('null'), 'string');
  assert.type(parseMeterCommand('{"cmd":"reboot"}'), 'string');
  assert.type(parseMeterCommand('{"cmd":"resend","fromSeq":-1}'), 'string');
  assert.type(parseMeterCommand('{"cmd":"time","timeS":1.5}'), 'string');
});

test.run();
