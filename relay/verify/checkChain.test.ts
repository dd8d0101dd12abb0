import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { type ChainContext, linkKey } from '../store/chainContext.ts';
import { buildChain, createTestMeter } from '../test/meterChain.ts';
import { checkChain, type ChainCheckOptions } from './checkChain.ts';

const options: ChainCheckOptions = { nowS: 1_800_000_000, clockSkewS: 60, unknownMeterPolicy: 'accept' };
const emptyContext = (): ChainContext => ({ meters: new Map(), heads: new Map(), links: new Map() });
const candidates = (records: MeterRecord[]) => records.map((record) => ({ record, digest: recordDigestHex(record) }));
const statuses = (verdicts: ReturnType<typeof checkChain>) => verdicts.map((v) => (v.status === 'reject' ? v.code : v.status));
const stored = (context: ChainContext, record: MeterRecord) => {
  const registers = record.kind === 'sample' ? { importWh: record.importWh, exportWh: record.exportWh } : { importWh: record.importEndWh, exportWh: record.exportEndWh };
  context.links.set(linkKey(record.meter, record.seq), { digest: recordDigestHex(record), prev: record.prev, ...registers });
};

test('a chain judged in any arrival order is accepted whole', () => {
  const chain = buildChain(createTestMeter(1), 2, 3);
  const shuffled = [chain[5]!, chain[0]!, chain[7]!, chain[2]!, chain[1]!, chain[6]!, chain[3]!, chain[4]!];
  assert.ok(checkChain(candidates(shuffled), emptyContext(), options).every((v) => v.status === 'accept'));
});

test('the same record twice in one batch is one accept and one duplicate', () => {
  const [first] = buildChain(createTestMeter(2), 1, 1);
  assert.equal(statuses(checkChain(candidates([first!, first!]), emptyContext(), options)), ['accept', 'duplicate']);
});

test('a stored successor that names another predecessor refuses the record as chain_break', () => {
  const chain = buildChain(createTestMeter(3), 1, 3);
  const context = emptyContext();
  stored(context, chain[2]!);
  const impostor = { ...chain[1]!, powerW: 5 } as MeterRecord;
  assert.equal(statuses(checkChain(candidates([impostor, chain[1]!]), context, options)), ['chain_break', 'accept']);
});

test('registers above the stored successor are a roll-back', () => {
  const chain = buildChain(createTestMeter(4), 1, 3);
  const context = emptyContext();
  stored(context, chain[2]!);
  const inflated = { ...chain[1]!, exportWh: 10_000_000 } as MeterRecord;
  // It also breaks the link (its digest changed), which is checked first.
  assert.equal(statuses(checkChain(candidates([inflated]), context, options)), ['chain_break']);
});

test('unknown meters: accepted and flagged, or refused under the reject policy', () => {
  const chain = buildChain(createTestMeter(5), 1, 1);
  const accepted = checkChain(candidates(chain), emptyContext(), options);
  assert.ok(accepted.every((v) => v.status === 'accept' && !v.isRegisteredMeter && v.zone === 'unassigned'));
  assert.equal(statuses(checkChain(candidates(chain), emptyContext(), { ...options, unknownMeterPolicy: 'reject' })), ['unknown_meter', 'unknown_meter']);
  const registered = emptyContext();
  registered.meters.set(chain[0]!.meter, { zone: 'feeder-1', isRegistered: true });
  const verdict = checkChain(candidates(chain), registered, { ...options, unknownMeterPolicy: 'reject' })[0]!;
  assert.equal(verdict, { status: 'accept', zone: 'feeder-1', isRegisteredMeter: true });
});

test('the clock-skew bound is inclusive and applies to measurement time only', () => {
  const [sample] = buildChain(createTestMeter(6), 1, 1) as [MeterRecord & { timeS: number }];
  const atBound = { ...sample, timeS: options.nowS + options.clockSkewS };
  const beyond = { ...sample, timeS: options.nowS + options.clockSkewS + 1 };
  assert.equal(statuses(checkChain(candidates([atBound]), emptyContext(), options)), ['accept']);
  assert.equal(statuses(checkChain(candidates([beyond]), emptyContext(), options)), ['clock_skew']);
});

test.run();
