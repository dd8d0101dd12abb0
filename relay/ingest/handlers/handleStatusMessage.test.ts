import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { handleStatusMessage } from './handleStatusMessage.ts';

const METER = '0x' + 'ab'.repeat(20);
const encode = (text: string) => new TextEncoder().encode(text);

test('a status with heldFromSeq carries it; one without it (older firmware) is accepted with null', () => {
  const withHeld = handleStatusMessage(METER, encode('{"v":1,"state":"online","seq":41,"queued":3,"dropped":0,"heldFromSeq":39,"uptimeS":60}'));
  assert.equal(withHeld, { type: 'status', status: { meter: METER, state: 'online', seq: 41, queued: 3, dropped: 0, heldFromSeq: 39, uptimeS: 60 } });
  const without = handleStatusMessage(METER, encode('{"v":1,"state":"offline","seq":41,"queued":3,"dropped":2,"uptimeS":60}'));
  assert.equal(without, { type: 'status', status: { meter: METER, state: 'offline', seq: 41, queued: 3, dropped: 2, heldFromSeq: null, uptimeS: 60 } });
  const edge = handleStatusMessage(METER, encode('{"v":1,"state":"online","seq":0,"queued":0,"dropped":0,"heldFromSeq":4294967295,"uptimeS":0}'));
  assert.is(edge.type === 'status' && edge.status.heldFromSeq, 4294967295);
});

test('heldFromSeq must be an integer 0 … 2^32 − 1', () => {
  for (const value of ['-1', '1.5', '"3"', 'null', '4294967296', 'true', '[]']) {
    const outcome = handleStatusMessage(METER, encode(`{"v":1,"state":"online","seq":1,"queued":0,"dropped":0,"heldFromSeq":${value},"uptimeS":5}`));
    assert.is(outcome.type, 'reject', value);
    assert.match(outcome.type === 'reject' ? outcome.reason : '', /^heldFromSeq: expected an integer 0 … 4294967295/, value);
  }
});

test('other fields are still refused', () => {
  const outcome = handleStatusMessage(METER, encode('{"v":1,"state":"online","seq":1,"queued":0,"dropped":0,"heldFrom":2,"uptimeS":5}'));
  assert.is(outcome.type === 'reject' && outcome.code, 'bad_status');
});

test.run();
