/**
 * Scale-out (DESIGN §8): two relays in one shared-subscription group on one Mosquitto and one PostgreSQL split
 * the meters' messages between them, and each record is stored — and announced — exactly once.
 */
import { sql } from 'drizzle-orm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { startRelay } from '../startRelay.ts';
import { queryRows } from '../store/queryRows.ts';
import { buildChain, createTestMeter, wireMessage } from './meterChain.ts';
import { connectPublisher, publishAll } from './publisher.ts';
import { postgresMosquittoTransport, TEST_MQTT_URL } from './testTransports.ts';
import { waitFor } from './waitFor.ts';

test('two relays, one broker, one database: every record stored once', async () => {
  const transport = postgresMosquittoTransport();
  const options = { withHttp: false, withProcessMetrics: false, nowS: () => 1_800_000_000 } as const;
  const first = await startRelay({ ...options, config: transport.config() });
  const second = await startRelay({ ...options, config: transport.config({ PET_RELAY_ID: `${transport.env.PET_RELAY_ID}-b` }) });
  const publisher = await connectPublisher(TEST_MQTT_URL);
  try {
    const announced = new Map<string, number>();
    const storedBy = [0, 0];
    [first, second].forEach((relay, index) =>
      relay.events.on('records-stored', (records) => {
        storedBy[index] = storedBy[index]! + records.length;
        for (const { digest } of records) announced.set(digest, (announced.get(digest) ?? 0) + 1);
      }),
    );
    const chains = Array.from({ length: 12 }, (_, i) => buildChain(createTestMeter(800_000 + i + Math.floor(Math.random() * 1000) * 100), 10, 9)); // 100 each
    const records: MeterRecord[] = [];
    for (let step = 0; step < chains[0]!.length; step++) for (const chain of chains) records.push(chain[step]!);
    // Replays too: a meter that resends after a lost acknowledgement must not create a second row.
    const messages = [...records, ...records.slice(0, 300)].map((record) => wireMessage(record, transport.topicPrefix));
    await publishAll(publisher, messages, 50);
    const count = async () => Number((await queryRows<{ n: unknown }>(first.store.db, sql`SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM seals) AS n`))[0]!.n);
    await waitFor('all records stored', async () => (await count()) >= records.length && first.ingestDepth() === 0 && second.ingestDepth() === 0, 60_000);
    await waitFor('the replays processed', async () => {
      const received = async (relay: typeof first) => (await relay.metrics.recordsReceived.get()).values.reduce((sum, v) => sum + v.value, 0);
      return (await received(first)) + (await received(second)) >= messages.length;
    }, 30_000);
    await Promise.all([first.drain(), second.drain()]);
    assert.is(await count(), records.length);
    assert.is(announced.size, records.length, 'every record announced');
    assert.ok([...announced.values()].every((times) => times === 1), 'no record announced twice');
    assert.ok(storedBy[0]! > 0 && storedBy[1]! > 0, `both relays took a share (${storedBy.join(' / ')})`);
    const heads = await queryRows<{ contiguous_seq: unknown }>(first.store.db, sql`SELECT contiguous_seq FROM chain_heads`);
    assert.ok(heads.length === 12 && heads.every((head) => Number(head.contiguous_seq) === 99), 'every chain complete');
    assert.is(Number((await queryRows<{ n: unknown }>(first.store.db, sql`SELECT count(*) AS n FROM rejections`))[0]!.n), 0);
  } finally {
    await publisher.endAsync();
    await first.stop();
    await second.stop();
    await transport.cleanup();
  }
});

test.run();
