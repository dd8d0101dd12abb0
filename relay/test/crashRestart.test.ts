/**
 * Crash safety on the production transports (PostgreSQL + Mosquitto): the relay runs as a child process, is
 * killed with SIGKILL (or stopped with SIGTERM) in mid-stream, and restarted. Every record is then stored exactly once — those the
 * broker had delivered but the relay had not acknowledged are redelivered, and those published while it was
 * down arrive after the restart — with every chain contiguous and nothing refused.
 */
import postgres from 'postgres';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { buildChain, createTestMeter, wireMessage } from './meterChain.ts';
import { connectPublisher, publishAll } from './publisher.ts';
import { spawnRelay } from './relayProcess.ts';
import { postgresMosquittoTransport, TEST_DATABASE_URL, TEST_MQTT_URL } from './testTransports.ts';
import { waitFor } from './waitFor.ts';

async function stopInMidStreamAndRestart(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const transport = postgresMosquittoTransport();
  transport.config(); // registers this run's client ids for cleanup
  const env: Record<string, string> = { ...transport.env, PET_HTTP_PORT: '0' };
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: env.PET_DB_SCHEMA } });
  const publisher = await connectPublisher(TEST_MQTT_URL);
  let relay = await spawnRelay(env);
  try {
    const meterCount = 20;
    const chains = Array.from({ length: meterCount }, (_, i) => buildChain(createTestMeter(700_000 + i + Math.floor(Math.random() * 1000) * 100), 20, 5)); // 120 each
    const perMeter = chains[0]!.length;
    const interleaved: MeterRecord[] = [];
    for (let step = 0; step < perMeter; step++) for (const chain of chains) interleaved.push(chain[step]!);
    const messages = interleaved.map((record) => wireMessage(record, transport.topicPrefix));
    const storedCount = async () => Number((await sql`SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM seals) AS n`)[0]!.n);
    // Mosquitto drops messages beyond max_queued_messages (1 000 per session by default, DESIGN §7) when a
    // subscriber falls behind; a real meter resends them. This test instead keeps the backlog to a few hundred
    // while the relay is up, and publishes at most ~1 200 (600 per session) while it is down.
    let isRelayDown = false;
    const publishPaced = async (from: number, to: number) => {
      for (let offset = from; offset < to; offset += 100) {
        if (!isRelayDown) await waitFor('the relay to keep up', async () => isRelayDown || (await storedCount()) >= offset - 300, 60_000);
        await publishAll(publisher, messages.slice(offset, Math.min(to, offset + 100)), 20);
      }
    };

    // Phase 1: stream until the relay has stored a part, then kill it without warning while publishing goes on.
    const publishing = publishPaced(0, 1200);
    await waitFor('some records stored before the crash', async () => (await storedCount()) >= 300);
    relay.child.kill(signal);
    isRelayDown = true;
    // SIGKILL: no chance to finish anything. SIGTERM: drain, store, acknowledge, exit 0.
    assert.is(await relay.exited, signal === 'SIGKILL' ? 'SIGKILL' : '0', relay.output().slice(-2000));
    const atCrash = await storedCount();
    await publishing;
    assert.ok(atCrash < 1200, `the crash happened in mid-stream (${atCrash} of 1200 stored)`);

    // Phase 2: published while the relay is down (the broker keeps them in the relay's persistent sessions).
    await publishPaced(1200, 1500);

    // Phase 3: restart and send the rest.
    relay = await spawnRelay(env);
    isRelayDown = false;
    await publishPaced(1500, messages.length);
    try {
      await waitFor('every record stored after the restart', async () => (await storedCount()) >= messages.length, 60_000);
    } catch (error) {
      const gaps = await sql`SELECT meter, from_seq, to_seq FROM chain_gaps ORDER BY meter, from_seq LIMIT 20`;
      const heads = await sql`SELECT meter, contiguous_seq, last_seq FROM chain_heads ORDER BY meter`;
      throw new Error(`${(error as Error).message}: ${await storedCount()} of ${messages.length} stored (${atCrash} at the crash); heads ${JSON.stringify(heads.map((h) => [h.contiguous_seq, h.last_seq]))}; gaps ${JSON.stringify(gaps)}`);
    }

    assert.is(await storedCount(), messages.length, 'stored exactly once (primary keys forbid twice; the count says none missing)');
    const heads = await sql`SELECT meter, contiguous_seq, last_seq FROM chain_heads`;
    assert.is(heads.length, meterCount);
    for (const head of heads) assert.equal([Number(head.contiguous_seq), Number(head.last_seq)], [perMeter - 1, perMeter - 1], `chain of ${head.meter} is complete`);
    assert.is(Number((await sql`SELECT count(*) AS n FROM rejections`)[0]!.n), 0, 'nothing refused');
  } finally {
    relay.child.kill('SIGTERM');
    const forced = setTimeout(() => relay.child.kill('SIGKILL'), 15_000);
    await relay.exited;
    clearTimeout(forced);
    await publisher.endAsync();
    await sql.end({ timeout: 5 });
    await transport.cleanup();
  }
}

test('kill -9 in mid-stream, then restart: every record stored exactly once, none lost', () => stopInMidStreamAndRestart('SIGKILL'));

test('SIGTERM in mid-stream drains and exits 0; after a restart every record is stored exactly once', () => stopInMidStreamAndRestart('SIGTERM'));

test.run();
