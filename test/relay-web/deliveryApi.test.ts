/**
 * The delivery routes over the real store: a meter's watermark, open and abandoned gaps as the ingest room
 * records them (inserted here with SQL), served to the meter's owner, and to the operator for every meter.
 */
import { sql } from 'drizzle-orm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { meters } from '../../relay/store/schema.ts';
import { bearer, meterAddress, openWebFixture, OPERATOR_TOKEN, ownerAccount, seedStore, signInThroughApi, strangerAccount, type WebFixture } from './webFixture.ts';

const delivery = suite<{ fixture: WebFixture; ownerToken: string; strangerToken: string }>('delivery routes');

const owned = meterAddress(1);
/** Owned by the same account, registered, never heard from. */
const silent = meterAddress(50);
/** Many abandoned gaps: more than the operator listing shows per meter. */
const leaky = meterAddress(3);
const LEAKY_GAPS = 60;

delivery.before(async (context) => {
  context.fixture = await openWebFixture();
  const { store } = context.fixture;
  // Meter 1: samples 0 … 4 and seals 10, 11 stored; 5 … 7 abandoned; 8 … 9 still missing (open gap); an older
  // gap 2 … 3 closed long ago. 360 samples of an old hour folded into a rollup by retention.
  await seedStore(store);
  await store.db.insert(meters).values({ address: silent, zone: 'big', ownerAddress: ownerAccount.address.toLowerCase() });
  await store.db.execute(sql`
    INSERT INTO chain_heads (meter, last_seq, last_digest, contiguous_seq) VALUES (${owned}, 11, ${'0x' + 'ef'.repeat(32)}, 7)`);
  await store.db.execute(sql`
    INSERT INTO chain_gaps (meter, from_seq, to_seq, detected_at, closed_at) VALUES
      (${owned}, 2, 3, '2026-01-01T00:01:00Z', '2026-01-01T00:01:30Z'),
      (${owned}, 8, 9, '2026-01-01T00:20:00.250Z', NULL)`);
  await store.db.execute(sql`
    INSERT INTO abandoned_gaps (meter, from_seq, to_seq, reason, recorded_at) VALUES
      (${owned}, 5, 7, 'meter_queue_overflow', '2026-01-01T00:30:00Z')`);
  await store.db.execute(sql`
    INSERT INTO meter_status (meter, state, seq, queued, dropped, uptime_s, held_from_seq) VALUES (${owned}, 'online', 11, 4, 3, 600, 8)`);
  await store.db.execute(sql`
    INSERT INTO sample_rollups (meter, hour_start_s, sample_count, first_seq, last_seq, import_start_wh, import_end_wh, export_start_wh, export_end_wh, min_power_w, max_power_w)
    VALUES (${owned}, 1767222000, 360, 0, 0, 1000, 1000, 2000, 2000, 0, 0)`);
  // Meter 3: 60 abandoned single-record gaps at seq 10, 20, … 600.
  await store.db.execute(sql`
    INSERT INTO chain_heads (meter, last_seq, last_digest, contiguous_seq) VALUES (${leaky}, 700, ${'0x' + 'aa'.repeat(32)}, 700)`);
  await store.db.execute(sql`
    INSERT INTO abandoned_gaps (meter, from_seq, to_seq, reason, recorded_at)
    SELECT ${leaky}, n * 10, n * 10, 'meter_no_longer_holds', '2026-01-02T00:00:00Z' FROM generate_series(1, ${LEAKY_GAPS}) AS n`);
  context.ownerToken = await signInThroughApi(context.fixture.app, ownerAccount);
  context.strangerToken = await signInThroughApi(context.fixture.app, strangerAccount);
});
delivery.after(async ({ fixture }) => fixture.close());

async function expectError(response: Response, status: number, code: string): Promise<void> {
  assert.is(response.status, status, `status of ${response.url}`);
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.is(body.error.code, code);
  assert.ok(body.error.message.length > 10, 'message says what was expected');
}

delivery('the owner reads the watermark, open and abandoned gaps with exact ranges, reason and times', async ({ fixture, ownerToken }) => {
  const response = await fixture.app.request(`/api/v1/meters/${owned}/delivery`, bearer(ownerToken));
  assert.is(response.status, 200);
  assert.equal(await response.json(), {
    meter: owned,
    contiguousSeq: 7,
    lastSeq: 11,
    heldFromSeq: 8,
    openGaps: [{ fromSeq: 8, toSeq: 9, detectedAt: '2026-01-01T00:20:00.250Z' }],
    openGapCount: 1,
    abandonedGaps: [{ fromSeq: 5, toSeq: 7, reason: 'meter_queue_overflow', recordedAt: '2026-01-01T00:30:00.000Z' }],
    abandonedGapCount: 1,
    abandonedRecords: 3,
    // 5 samples + 2 seals stored, 360 samples folded into a rollup.
    recordsStored: 367,
  });
});

delivery('a registered meter that never sent anything: watermark and last seq −1, no gaps, nothing stored', async ({ fixture, ownerToken }) => {
  const response = await fixture.app.request(`/api/v1/meters/${silent.toUpperCase().replace('0X', '0x')}/delivery`, bearer(ownerToken));
  assert.is(response.status, 200);
  assert.equal(await response.json(), {
    meter: silent,
    contiguousSeq: -1,
    lastSeq: -1,
    heldFromSeq: null,
    openGaps: [],
    openGapCount: 0,
    abandonedGaps: [],
    abandonedGapCount: 0,
    abandonedRecords: 0,
    recordsStored: 0,
  });
});

delivery('owner only, as readings: anonymous 401, another account 403, the operator token is no session; unknown 404; bad address 400', async ({ fixture, ownerToken, strangerToken }) => {
  const path = `/api/v1/meters/${owned}/delivery`;
  await expectError(await fixture.app.request(path), 401, 'missing_token');
  await expectError(await fixture.app.request(path, bearer(strangerToken)), 403, 'not_owner');
  await expectError(await fixture.app.request(`/api/v1/meters/${leaky}/delivery`, bearer(ownerToken)), 403, 'not_owner');
  await expectError(await fixture.app.request(path, bearer(OPERATOR_TOKEN)), 401, 'bad_token');
  await expectError(await fixture.app.request(`/api/v1/meters/${meterAddress(99)}/delivery`, bearer(ownerToken)), 404, 'unknown_meter');
  await expectError(await fixture.app.request('/api/v1/meters/0x1234/delivery', bearer(ownerToken)), 400, 'bad_address');
  await expectError(await fixture.app.request('/api/v1/meters/meter-1/delivery'), 400, 'bad_address');
});

delivery('the operator lists every meter’s delivery state in one request, paged by address', async ({ fixture }) => {
  const response = await fixture.app.request('/api/v1/delivery?limit=500', bearer(OPERATOR_TOKEN));
  assert.is(response.status, 200);
  const body = (await response.json()) as {
    meters: Array<{ meter: string; contiguousSeq: number; lastSeq: number; openGaps: unknown[]; abandonedGaps: Array<{ fromSeq: number; toSeq: number; reason: string }>; abandonedGapCount: number; abandonedRecords: number }>;
    nextAfter: string | null;
  };
  assert.equal(body.meters.map((state) => state.meter), [...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(meterAddress), silent]);
  assert.is(body.nextAfter, null);
  const first = body.meters[0]!;
  assert.equal([first.contiguousSeq, first.lastSeq, first.openGaps.length], [7, 11, 1]);
  assert.equal(first.abandonedGaps, [{ fromSeq: 5, toSeq: 7, reason: 'meter_queue_overflow', recordedAt: '2026-01-01T00:30:00.000Z' }]);
  assert.not.ok('recordsStored' in first, 'the listing counts no records: that would read every sample on each poll');

  const third = body.meters[2]!;
  assert.is(third.abandonedGapCount, LEAKY_GAPS);
  assert.is(third.abandonedRecords, LEAKY_GAPS);
  assert.is(third.abandonedGaps.length, 50, 'the newest 50 gaps per meter');
  assert.equal([third.abandonedGaps[0]!.fromSeq, third.abandonedGaps.at(-1)!.fromSeq], [110, 600]);

  const second = body.meters[1]!;
  assert.equal([second.contiguousSeq, second.lastSeq, second.openGaps.length, second.abandonedGaps.length], [-1, -1, 0, 0]);

  const page = (await (await fixture.app.request(`/api/v1/delivery?limit=2&after=${meterAddress(1)}`, bearer(OPERATOR_TOKEN))).json()) as { meters: Array<{ meter: string }>; nextAfter: string };
  assert.equal(page.meters.map((state) => state.meter), [meterAddress(2), meterAddress(3)]);
  assert.is(page.nextAfter, meterAddress(3));
});

delivery('the listing is the operator’s: anonymous 401, an owner session 403, bad paging 400', async ({ fixture, ownerToken }) => {
  await expectError(await fixture.app.request('/api/v1/delivery'), 401, 'missing_token');
  await expectError(await fixture.app.request('/api/v1/delivery', bearer(ownerToken)), 403, 'not_operator');
  await expectError(await fixture.app.request('/api/v1/delivery?limit=501', bearer(OPERATOR_TOKEN)), 400, 'bad_limit');
  await expectError(await fixture.app.request('/api/v1/delivery?after=0x12', bearer(OPERATOR_TOKEN)), 400, 'bad_address');
});

delivery.run();
