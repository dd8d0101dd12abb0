/**
 * Gap repair against a PGlite store and a recording command channel: the first request after the grace period
 * that follows a batch, nothing again within the hold, a repeat from the timer once the hold is over, and the
 * request counted on the gap row.
 */
import { sql } from 'drizzle-orm';
import { Counter, Registry } from 'prom-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../ops/logger.ts';
import { openStore, type Store } from '../store/openStore.ts';
import { queryRows } from '../store/queryRows.ts';
import { waitFor } from '../test/waitFor.ts';
import { startGapRepair } from './repairGaps.ts';

const test = suite<{ store: Store }>('gap repair');
const METER = '0x' + '33'.repeat(20);

test.before(async (context) => {
  context.store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  await context.store.db.execute(sql`INSERT INTO chain_heads (meter, last_seq, last_digest, contiguous_seq) VALUES (${METER}, 9, 'd', 3)`);
  await context.store.db.execute(sql`INSERT INTO chain_gaps (meter, from_seq, to_seq) VALUES (${METER}, 4, 4)`);
});
test.after(async (context) => context.store?.close());

test('asks from watermark + 1 after the grace, not again within the hold, again once it is over', async ({ store }) => {
  const sent: { meter: string; payload: string }[] = [];
  const resendRequests = new Counter({ name: 'resends', help: 'h', registers: [new Registry()] });
  // A long hold: the timer's own passes cannot fire during the test (ticks every second claim nothing new).
  const repair = startGapRepair({
    db: store.db,
    channel: { send: async (meter, payload) => void sent.push({ meter, payload }), inFlight: () => 0 },
    resendHoldMs: 60_000,
    metrics: { resendRequests },
    logger: createLogger({ logLevel: 'silent', relayId: 't' }),
  });
  try {
    repair.afterBatch({ positions: [{ meter: METER, contiguousSeq: 3, lastSeq: 9, ack: { uptoSeq: 3, digest: 'd' } }], arrivals: new Map() });
    await waitFor('the first resend', () => sent.length === 1);
    assert.equal(sent, [{ meter: METER, payload: '{"cmd":"resend","fromSeq":4}' }]);
    const [row] = await queryRows<{ resend_requests: unknown; last_resend_at: unknown }>(store.db, sql`SELECT resend_requests, last_resend_at FROM chain_gaps WHERE meter = ${METER}`);
    assert.is(Number(row!.resend_requests), 1);
    assert.ok(row!.last_resend_at !== null);

    repair.afterBatch({ positions: [{ meter: METER, contiguousSeq: 3, lastSeq: 9, ack: { uptoSeq: 3, digest: 'd' } }], arrivals: new Map() });
    await repair.tick();
    assert.is(sent.length, 1, 'nothing again within the hold');

    await store.db.execute(sql`UPDATE chain_gaps SET last_resend_at = now() - interval '61 seconds' WHERE meter = ${METER}`);
    await repair.tick();
    assert.is(sent.length, 2, 'the timer asks again once the hold is over');
    assert.is((await resendRequests.get()).values[0]!.value, 2);
  } finally {
    await repair.close();
  }
});

test.run();
