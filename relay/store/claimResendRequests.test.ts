/**
 * The resend throttle kept on the gap rows (PGlite): which open gaps are due, the request counted on the row,
 * the hold per meter, the backoff, and the bound per call.
 */
import { sql } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { claimResendRequests, type ResendClaimQuery } from './claimResendRequests.ts';
import { openStore, type Store } from './openStore.ts';
import { queryRows } from './queryRows.ts';

const test = suite<{ store: Store }>('resend claims');
const HOLD_MS = 3000;
const query = (overrides: Partial<ResendClaimQuery> = {}): ResendClaimQuery => ({ holdMs: HOLD_MS, maxBackoffMs: 60_000, firstGraceMs: 0, limit: 100, ...overrides });
let meterNumber = 0;

test.before(async (context) => {
  context.store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
});
test.after(async (context) => context.store?.close());

/** A meter with watermark `contiguousSeq`, newest record `lastSeq`, and the given gap rows. */
async function meterWithGaps(store: Store, contiguousSeq: number, lastSeq: number, gaps: { from: number; to: number; closed?: boolean }[]): Promise<string> {
  const meter = `0xclaim${meterNumber++}`;
  await store.db.execute(sql`INSERT INTO chain_heads (meter, last_seq, last_digest, contiguous_seq) VALUES (${meter}, ${lastSeq}, 'd', ${contiguousSeq})`);
  for (const gap of gaps) {
    await store.db.execute(sql`INSERT INTO chain_gaps (meter, from_seq, to_seq, closed_at) VALUES (${meter}, ${gap.from}, ${gap.to}, ${gap.closed ? sql`now()` : sql`NULL`})`);
  }
  return meter;
}

async function gapRow(store: Store, meter: string, fromSeq: number) {
  const [row] = await queryRows<{ resend_requests: unknown; last_resend_at: unknown }>(store.db, sql`SELECT resend_requests, last_resend_at FROM chain_gaps WHERE meter = ${meter} AND from_seq = ${fromSeq}`);
  return { requests: Number(row!.resend_requests), isStamped: row!.last_resend_at !== null };
}

test('the open gap holding the watermark back is claimed with fromSeq = watermark + 1 and counted on its row', async ({ store }) => {
  // Gap [3, 9] partly filled from below: the watermark is 5, so the meter is asked from 6.
  const meter = await meterWithGaps(store, 5, 12, [{ from: 3, to: 9 }, { from: 11, to: 11 }]);
  assert.equal(await claimResendRequests(store.db, query({ meters: [meter] })), [{ meter, fromSeq: 6, requests: 1 }]);
  assert.equal(await gapRow(store, meter, 3), { requests: 1, isStamped: true });
  assert.equal(await gapRow(store, meter, 11), { requests: 0, isStamped: false }, 'the gap above waits: a resend from 6 covers it');
});

test('not again within the hold time, for any gap of the meter', async ({ store }) => {
  const meter = await meterWithGaps(store, 1, 9, [{ from: 2, to: 3 }]);
  assert.is((await claimResendRequests(store.db, query({ meters: [meter] }))).length, 1);
  assert.equal(await claimResendRequests(store.db, query({ meters: [meter] })), []);
  assert.equal(await claimResendRequests(store.db, query()), [], 'nor from the timer');
  // The first gap filled; the next one holds the watermark: still within the meter's hold.
  await store.db.execute(sql`UPDATE chain_heads SET contiguous_seq = 4 WHERE meter = ${meter}`);
  await store.db.execute(sql`UPDATE chain_gaps SET closed_at = now() WHERE meter = ${meter} AND from_seq = 2`);
  await store.db.execute(sql`INSERT INTO chain_gaps (meter, from_seq, to_seq) VALUES (${meter}, 5, 6)`);
  assert.equal(await claimResendRequests(store.db, query({ meters: [meter] })), []);
});

test('asked again after the hold, then after twice as long (backoff), up to the maximum', async ({ store }) => {
  const meter = await meterWithGaps(store, 1, 9, [{ from: 2, to: 3 }]);
  const ageRequest = (requests: number, agoMs: number) =>
    store.db.execute(sql`UPDATE chain_gaps SET resend_requests = ${requests}, last_resend_at = now() - make_interval(secs => ${agoMs / 1000}) WHERE meter = ${meter}`);
  await ageRequest(1, HOLD_MS + 100);
  assert.equal(await claimResendRequests(store.db, query({ meters: [meter] })), [{ meter, fromSeq: 2, requests: 2 }]);
  await ageRequest(2, HOLD_MS + 100);
  assert.equal(await claimResendRequests(store.db, query({ meters: [meter] })), [], 'the second repeat waits 2 × hold');
  await ageRequest(2, 2 * HOLD_MS + 100);
  assert.is((await claimResendRequests(store.db, query({ meters: [meter] }))).length, 1);
  await ageRequest(20, 60_000 + 100);
  assert.is((await claimResendRequests(store.db, query({ meters: [meter] }))).length, 1, 'never longer than the maximum backoff');
});

test('a new gap waits out the first grace on the timer path; closed gaps and gaps above the watermark are never claimed', async ({ store }) => {
  const fresh = await meterWithGaps(store, 1, 9, [{ from: 2, to: 3 }]);
  const closed = await meterWithGaps(store, 9, 9, [{ from: 2, to: 3, closed: true }]);
  assert.equal(await claimResendRequests(store.db, query({ meters: [fresh, closed], firstGraceMs: 60_000 })), []);
  await store.db.execute(sql`UPDATE chain_gaps SET detected_at = now() - interval '2 minutes' WHERE meter IN (${fresh}, ${closed})`);
  assert.equal(await claimResendRequests(store.db, query({ meters: [fresh, closed], firstGraceMs: 60_000 })), [{ meter: fresh, fromSeq: 2, requests: 1 }]);
});

test('bounded work: at most `limit` gaps per call, the longest waiting first', async ({ store }) => {
  const meters: string[] = [];
  for (let i = 0; i < 5; i++) meters.push(await meterWithGaps(store, 0, 5, [{ from: 1, to: 4 }]));
  await store.db.execute(sql`UPDATE chain_gaps SET detected_at = now() - make_interval(secs => 100 - from_seq) WHERE meter = ${meters[3]!}`);
  const claims = await claimResendRequests(store.db, query({ meters, limit: 2 }));
  assert.is(claims.length, 2);
  assert.is(claims.some((claim) => claim.meter === meters[3]), true, 'the oldest gap first');
  assert.is((await claimResendRequests(store.db, query({ meters, limit: 10 }))).length, 3);
});

test.run();
