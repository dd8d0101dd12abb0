import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { abandonReasonText, deliveryTotals, formatSeq, formatSeqRange, orderForAttention, readDeliveryStates } from './deliveryStates.ts';

const quiet = { meter: '0xa', contiguousSeq: 40, lastSeq: 40, heldFromSeq: 41, openGaps: [], openGapCount: 0, abandonedGaps: [], abandonedGapCount: 0, abandonedRecords: 0 };
const waiting = { ...quiet, meter: '0xb', contiguousSeq: 7, lastSeq: 12, openGaps: [{ fromSeq: 8, toSeq: 9, detectedAt: '2026-01-01T00:20:00.000Z' }], openGapCount: 1 };
const lossy = {
  ...quiet,
  meter: '0xc',
  abandonedGaps: [{ fromSeq: 5, toSeq: 7, reason: 'meter_queue_overflow', recordedAt: '2026-01-01T00:30:00.000Z' }],
  abandonedGapCount: 1,
  abandonedRecords: 3,
};

test('the listing is read as the relay sends it; malformed entries and gaps are left out', () => {
  const states = readDeliveryStates({ meters: [quiet, waiting, lossy, { meter: 7 }, { ...quiet, meter: '0xd', openGaps: [{ fromSeq: 'x' }] }], nextAfter: null });
  assert.equal(states.map((state) => state.meter), ['0xa', '0xb', '0xc', '0xd']);
  assert.equal(states[2], lossy);
  assert.equal(states[3]!.openGaps, []);
  assert.equal(readDeliveryStates({ error: { code: 'not_operator' } }), []);
  assert.equal(readDeliveryStates(null), []);
});

test('counts missing from an older relay are taken from the listed gaps', () => {
  const { openGapCount, abandonedGapCount, abandonedRecords, ...older } = lossy;
  const [state] = readDeliveryStates({ meters: [{ ...older, heldFromSeq: undefined }] });
  assert.equal([state!.abandonedGapCount, state!.abandonedRecords, state!.openGapCount, state!.heldFromSeq], [1, 3, 0, null]);
});

test('ranges name their exact sequence numbers and record count; −1 means nothing yet', () => {
  assert.is(formatSeqRange(5, 7), 'seq 5 – 7 (3 records)');
  assert.is(formatSeqRange(8, 8), 'seq 8 (1 record)');
  assert.is(formatSeq(-1), '—');
  assert.is(formatSeq(0), '0');
});

test('reasons read in words; an unknown code is shown as it is', () => {
  assert.is(abandonReasonText('meter_queue_overflow'), 'the meter’s queue overflowed');
  assert.is(abandonReasonText('meter_no_longer_holds'), 'the meter no longer holds them');
  assert.is(abandonReasonText('operator_cut'), 'operator_cut');
});

test('meters that lost records come first, then those waiting for a resend, then the rest', () => {
  assert.equal(orderForAttention([quiet, waiting, lossy]).map((state) => state.meter), ['0xc', '0xb', '0xa']);
  assert.equal(deliveryTotals([quiet, waiting, lossy]), { meters: 3, openGaps: 1, abandonedGaps: 1, abandonedRecords: 3 });
});

test.run();
