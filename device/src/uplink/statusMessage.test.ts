/**
 * The status payload is exactly docs/protocol.md §4's object: checked against the relay's own status handler,
 * which refuses any other field, so meter and relay cannot drift apart unnoticed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { handleStatusMessage } from '../../../relay/ingest/handlers/handleStatusMessage.ts';
import { statusJson } from './statusMessage.ts';

const METER = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf';

test('online and offline (Last Will) payloads are accepted by the relay with the figures the meter gave', () => {
  for (const isOnline of [true, false]) {
    const payload = statusJson({ isOnline, seq: 4096, queued: 17, dropped: 3, heldFromSeq: 4080, uptimeS: 86400.7 });
    const outcome = handleStatusMessage(METER, new TextEncoder().encode(payload));
    assert.is(outcome.type, 'status', JSON.stringify(outcome));
    const status = (outcome as unknown as { status: Record<string, unknown> }).status;
    assert.equal(
      { meter: status.meter, state: status.state, seq: status.seq, queued: status.queued, dropped: status.dropped, heldFromSeq: status.heldFromSeq, uptimeS: status.uptimeS },
      { meter: METER, state: isOnline ? 'online' : 'offline', seq: 4096, queued: 17, dropped: 3, heldFromSeq: 4080, uptimeS: 86400 },
    );
  }
});

test('fields in the documented order, heldFromSeq between dropped and uptimeS', () => {
  const payload = statusJson({ isOnline: true, seq: 99, queued: 10, dropped: 0, heldFromSeq: 90, uptimeS: 5 });
  assert.is(payload, '{"v":1,"state":"online","seq":99,"queued":10,"dropped":0,"heldFromSeq":90,"uptimeS":5}');
});

test('a fresh meter (no record yet) still sends valid unsigned integers', () => {
  const payload = statusJson({ isOnline: true, seq: -1, queued: 0, dropped: 0, heldFromSeq: 0, uptimeS: 0 });
  assert.is(payload, '{"v":1,"state":"online","seq":0,"queued":0,"dropped":0,"heldFromSeq":0,"uptimeS":0}');
  assert.is(handleStatusMessage(METER, new TextEncoder().encode(payload)).type, 'status');
});

test('registers past 2^31 are written digit by digit, exactly', () => {
  const payload = statusJson({ isOnline: true, seq: 4294967295, queued: 0, dropped: 2147483648, heldFromSeq: 4294967295, uptimeS: 1 });
  assert.equal(JSON.parse(payload), { v: 1, state: 'online', seq: 4294967295, queued: 0, dropped: 2147483648, heldFromSeq: 4294967295, uptimeS: 1 });
});

test.run();
