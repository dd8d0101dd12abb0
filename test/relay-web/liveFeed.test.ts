import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import WebSocket from 'ws';
import type { StoredRecord } from '../../relay/events/relayEventBus.ts';
import type { SampleRecord } from '../../shared/protocol/recordTypes.ts';
import { startHttpServer, type RunningHttpServer } from '../../relay/web/startHttpServer.ts';
import { readWebConfig } from '../../relay/web/webConfig.ts';
import { meterAddress, openWebFixture, ownerAccount, postJson, seedStore, strangerAccount, type WebFixture } from './webFixture.ts';

interface Received {
  channel: string;
  type: string;
  data: Record<string, unknown>;
  ts: number;
}

/** A real `ws` client that queues what it receives. */
class TestClient {
  readonly socket: WebSocket;
  readonly #queue: Received[] = [];
  readonly #waiters: Array<() => void> = [];
  readonly closed: Promise<number>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (data) => {
      this.#queue.push(JSON.parse(data.toString()) as Received);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message in arrival order. */
  async next(): Promise<Received> {
    while (this.#queue.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.#queue.shift()!;
  }
}

function sample(meter: string, seq: number, timeS: number, powerW: number): SampleRecord {
  return { v: 1, kind: 'sample', meter, seq, prev: '0x' + '0'.repeat(64), timeS, importWh: 0, exportWh: 0, powerW, voltageDv: 2300, currentMa: 1000, powerFactorPermille: 1000 };
}

function stored(record: SampleRecord, zone: string): StoredRecord {
  return { record, digest: '0x' + '1'.repeat(64), zone, isRegisteredMeter: true };
}

const feed = suite<{ fixture: WebFixture; server: RunningHttpServer; wsUrl: string; ownerToken: string; strangerToken: string }>('live feed');

feed.before(async (context) => {
  context.fixture = await openWebFixture();
  await seedStore(context.fixture.store);
  context.server = await startHttpServer({
    config: { httpPort: 0, httpHost: '127.0.0.1' },
    store: context.fixture.store,
    events: context.fixture.events,
    metrics: context.fixture.metrics,
    logger: pino({ level: 'silent' }),
    webConfig: readWebConfig({ PET_FEED_INTERVAL_MS: '20', PET_OPERATOR_TOKEN: 'operator-token-for-feed-tests-01' }),
  });
  context.wsUrl = context.server.url.replace('http:', 'ws:') + '/ws';
  // Sign in against the running server, whose sign-in domain is its own address.
  for (const [account, key] of [[ownerAccount, 'ownerToken'], [strangerAccount, 'strangerToken']] as const) {
    const challenge = (await (await fetch(`${context.server.url}/api/v1/auth/challenge`, postJson({ address: account.address }))).json()) as { message: string };
    const signature = await account.signMessage({ message: challenge.message });
    const verified = (await (await fetch(`${context.server.url}/api/v1/auth/verify`, postJson({ message: challenge.message, signature }))).json()) as { token: string };
    context[key] = verified.token;
  }
});
feed.after(async ({ server, fixture }) => {
  await server.close();
  await fixture.close();
});

feed('the HTTP API answers on the same server', async ({ server }) => {
  const response = await fetch(`${server.url}/health/ready`);
  assert.is(response.status, 200);
});

feed('a zone subscriber receives a zone update after records-stored; a 3-meter zone is never sent', async ({ fixture, wsUrl }) => {
  const client = new TestClient(wsUrl);
  await client.opened();
  client.send({ op: 'subscribe', channel: 'zone:small' });
  client.send({ op: 'subscribe', channel: 'zone:big' });
  assert.equal([(await client.next()).type, (await client.next()).type], ['subscribed', 'subscribed']);

  const timeS = 1_767_225_700;
  fixture.events.emit('records-stored', [7, 8, 9].map((n) => stored(sample(meterAddress(n), 1, timeS, 500), 'small')));
  fixture.events.emit('records-stored', [1, 2, 3, 4, 5, 6].map((n) => stored(sample(meterAddress(n), 1, timeS, n <= 4 ? -1_000 : 300), 'big')));
  const update = await client.next();
  assert.is(update.channel, 'zone:big', 'the small zone produced no message before the big one');
  assert.is(update.type, 'zone-aggregate');
  assert.equal(update.data, { zone: 'big', productionW: 4_000, consumptionW: 600, netFlowW: -3_400, meterCount: 6, timeS });
  assert.ok(update.ts > 0);

  // More small-zone records, then one big-zone change: still only the big zone speaks.
  fixture.events.emit('records-stored', [7, 8, 9].map((n) => stored(sample(meterAddress(n), 2, timeS + 10, 800), 'small')));
  fixture.events.emit('records-stored', [stored(sample(meterAddress(1), 2, timeS + 10, 0), 'big')]);
  const second = await client.next();
  assert.is(second.channel, 'zone:big');
  assert.is(second.data.productionW, 3_000);
  client.socket.close();
  await client.closed;
});

feed('a late subscriber gets the current zone figures at once', async ({ wsUrl }) => {
  const client = new TestClient(wsUrl);
  await client.opened();
  client.send({ op: 'subscribe', channel: 'zone:big' });
  assert.is((await client.next()).type, 'subscribed');
  const current = await client.next();
  assert.is(current.type, 'zone-aggregate');
  assert.is(current.data.meterCount, 6);
  client.socket.close();
  await client.closed;
});

feed('meter channel: anonymous refused, another account refused, the owner receives its records', async ({ fixture, wsUrl, ownerToken, strangerToken }) => {
  const channel = `meter:${meterAddress(1)}`;
  const anonymous = new TestClient(wsUrl);
  await anonymous.opened();
  anonymous.send({ op: 'subscribe', channel });
  const refused = await anonymous.next();
  assert.equal([refused.type, refused.data.code], ['error', 'not_authenticated']);

  anonymous.send({ op: 'subscribe', channel, token: strangerToken });
  const notOwner = await anonymous.next();
  assert.equal([notOwner.type, notOwner.data.code], ['error', 'not_owner']);

  anonymous.send({ op: 'auth', token: 'pet1.forged.token' });
  assert.is((await anonymous.next()).data.code, 'bad_token');
  anonymous.socket.close();

  const owner = new TestClient(`${wsUrl}?token=${encodeURIComponent(ownerToken)}`);
  await owner.opened();
  owner.send({ op: 'subscribe', channel });
  assert.is((await owner.next()).type, 'subscribed');
  fixture.events.emit('records-stored', [stored(sample(meterAddress(1), 3, 1_767_226_000, -250), 'big')]);
  let message = await owner.next();
  while (message.channel !== channel) message = await owner.next();
  assert.is(message.type, 'meter-sample');
  assert.is(message.data.powerW, -250);
  owner.socket.close();
  await owner.closed;
});

feed('bad client messages get specific errors; a bad token on the URL is refused before the upgrade', async ({ wsUrl }) => {
  const client = new TestClient(wsUrl);
  await client.opened();
  client.send({ op: 'subscribe', channel: 'weather:today' });
  assert.is((await client.next()).data.code, 'unknown_channel');
  client.socket.send('not json');
  assert.is((await client.next()).data.code, 'bad_message');
  client.send({ op: 'dance' });
  assert.is((await client.next()).data.code, 'bad_message');
  client.socket.close();

  const refused = new WebSocket(`${wsUrl}?token=nonsense`);
  refused.on('error', () => {});
  const status = await new Promise<number | undefined>((resolve) => refused.on('unexpected-response', (_request, response) => resolve(response.statusCode)));
  assert.is(status, 401);
  refused.terminate();
});

feed('market events reach market channel subscribers in the same envelope', async ({ server, wsUrl }) => {
  const client = new TestClient(wsUrl);
  await client.opened();
  client.send({ op: 'subscribe', channel: 'market:big' });
  assert.is((await client.next()).type, 'subscribed');
  server.feed.publish('market:big', 'interval-cleared', { startS: 1_767_225_600, priceMicroUsdPerKWh: 120_000 });
  const message = await client.next();
  assert.equal([message.channel, message.type, message.data.priceMicroUsdPerKWh], ['market:big', 'interval-cleared', 120_000]);
  client.socket.close();
  await client.closed;
});

feed('a client that cannot take the next message within its send buffer is disconnected', async ({ fixture }) => {
  const tiny = await startHttpServer({
    config: { httpPort: 0, httpHost: '127.0.0.1' },
    store: fixture.store,
    events: fixture.events,
    metrics: fixture.metrics,
    logger: pino({ level: 'silent' }),
    webConfig: { ...readWebConfig({ PET_FEED_INTERVAL_MS: '10' }), feedBufferMaxBytes: 40 },
  });
  try {
    const client = new TestClient(tiny.url.replace('http:', 'ws:') + '/ws');
    await client.opened();
    client.send({ op: 'subscribe', channel: 'zone:big' });
    const code = await client.closed;
    assert.is(code, 1006, 'terminated without a close frame');
    assert.is(tiny.feed.slowClientsDropped, 1);
  } finally {
    await tiny.close();
  }
});

feed.run();
