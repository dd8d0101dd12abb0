/**
 * The meter's own MQTT 3.1.1 client (device/src/mqtt/), run unchanged on Node through a `net` transport with
 * Espruino-style binary strings, against an in-process aedes and against the machine's Mosquitto on 1883.
 * A small proxy between client and broker shows the packets on the wire, drops a PUBACK, cuts or refuses
 * connections. Topics are unique per run, nothing is retained, and the shared broker is never reconfigured.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient as MqttJsClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMqttClient, type MqttClient, type MqttClientOptions } from '../../device/src/mqtt/mqttClient.ts';
import { startMqttProxy, type MqttProxy, type SeenPacket } from './mqttProxy.ts';
import { nodeTransport } from './nodeTransport.ts';
import { waitFor } from './recordCollector.ts';

// The client reads Espruino's clock, `getTime()` (seconds).
(globalThis as unknown as { getTime: () => number }).getTime = () => Date.now() / 1000;

const PACKET = { connect: 1, publish: 3, puback: 4, subscribe: 8, suback: 9, pingreq: 12, pingresp: 13 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BrokerTarget {
  name: string;
  start(): Promise<{ port: number; credentialsSeen: { username?: string; password?: string }[]; stop(): Promise<void> }>;
}

const aedesTarget: BrokerTarget = {
  name: 'in-process aedes',
  async start() {
    const credentialsSeen: { username?: string; password?: string }[] = [];
    const broker = await Aedes.createBroker({
      authenticate(_client, username, password, callback) {
        credentialsSeen.push({ username, password: password?.toString() });
        callback(null, username === 'meter' && password?.toString() === 'secret');
      },
    });
    const server: Server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    return {
      port: typeof address === 'object' && address !== null ? address.port : 0,
      credentialsSeen,
      stop: () => new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
    };
  },
};

const mosquittoTarget: BrokerTarget = {
  name: 'Mosquitto 127.0.0.1:1883',
  async start() {
    return { port: 1883, credentialsSeen: [], stop: async () => {} };
  },
};

/** Publish packet fields (§3.3): DUP flag, topic, packet id. */
function describePublish(packet: SeenPacket): { isDuplicate: boolean; topic: string; packetId: number } {
  let index = 1;
  while ((packet.bytes[index++]! & 128) !== 0);
  const topicLength = packet.bytes.readUInt16BE(index);
  const topic = packet.bytes.subarray(index + 2, index + 2 + topicLength).toString('latin1');
  return { isDuplicate: (packet.flags & 8) !== 0, topic, packetId: packet.bytes.readUInt16BE(index + 2 + topicLength) };
}

function runSuite(target: BrokerTarget): void {
  const test = suite(`meter MQTT client against ${target.name}`);
  const prefix = `pet-test/${process.pid}-${Date.now()}-${target.name.split(' ')[0]}`;
  let broker: Awaited<ReturnType<BrokerTarget['start']>>;
  let proxy: MqttProxy;
  let watcher: MqttJsClient;
  let client: MqttClient | undefined;
  const watched: { topic: string; payload: string }[] = [];

  function startClient(overrides: Partial<MqttClientOptions>, connect?: Partial<MqttClientOptions['connect']>) {
    const events = { connected: 0, messages: [] as { topic: string; payload: string }[] };
    client = createMqttClient({
      connect: { clientId: `pet-test-${process.pid}-${Date.now()}`, username: 'meter', password: 'secret', keepAliveS: 30, isCleanSession: true, will: undefined, ...connect },
      openTransport: nodeTransport('127.0.0.1', proxy.port),
      subscriptions: [],
      retryS: 10,
      backoffMinS: 10,
      backoffMaxS: 10,
      maxInflight: 10,
      onConnected: () => events.connected++,
      onDisconnected: () => {},
      onMessage: (topic, payload) => events.messages.push({ topic, payload }),
      ...overrides,
    });
    client.start();
    return { client, events };
  }

  test.before(async () => {
    broker = await target.start();
    watcher = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { username: 'meter', password: 'secret', clientId: `watcher-${process.pid}-${Date.now()}` });
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', () => resolve());
      watcher.once('error', reject);
    });
    watcher.on('message', (topic, payload) => watched.push({ topic, payload: payload.toString('latin1') }));
    await watcher.subscribeAsync(`${prefix}/#`, { qos: 1 });
  });
  test.before.each(async () => {
    proxy = await startMqttProxy(broker.port);
  });
  test.after.each(async () => {
    client?.stop();
    client = undefined;
    await proxy.close();
  });
  test.after(async () => {
    await watcher.endAsync();
    await broker.stop();
  });

  test('CONNECT carries the credentials and the Last Will; the broker publishes the Will when the socket dies', async () => {
    let willCount = 0;
    const { client, events } = startClient(
      { willPayload: () => `{"state":"offline","n":${++willCount}}` },
      { will: { topic: `${prefix}/will`, payload: 'stale', qos: 1, isRetained: false } },
    );
    assert.ok(await waitFor(() => events.connected === 1, 5000), 'connected');
    const connect = proxy.fromClient[0]!;
    assert.is(connect.type, PACKET.connect);
    const text = connect.bytes.toString('latin1');
    for (const part of ['MQTT', 'meter', 'secret', `${prefix}/will`, '{"state":"offline","n":1}']) assert.ok(text.includes(part), `CONNECT holds ${part}`);
    let headerEnd = 1;
    while ((connect.bytes[headerEnd++]! & 128) !== 0);
    // Variable header: protocol name (2 + 4 bytes), level, then the flags byte (§3.1.2.3).
    assert.is(connect.bytes[headerEnd + 7]! & 0xc4, 0xc4, 'user name, password and will flags (§3.1.2.3)');
    if (target.name.includes('aedes')) assert.equal(broker.credentialsSeen.at(-1), { username: 'meter', password: 'secret' });
    proxy.cutAll();
    assert.ok(await waitFor(() => watched.some((message) => message.topic === `${prefix}/will`), 5000), 'will published');
    assert.equal(watched.filter((message) => message.topic === `${prefix}/will`).map((message) => message.payload), ['{"state":"offline","n":1}']);
    assert.not.ok(client.isConnected());
  });

  test('a QoS 1 PUBLISH whose PUBACK is lost goes again with DUP and the same packet id, until a PUBACK comes', async () => {
    let isFirstPubackDropped = false;
    proxy.dropFromBroker = (packet) => {
      if (packet.type !== PACKET.puback || isFirstPubackDropped) return false;
      isFirstPubackDropped = true;
      return true;
    };
    const { client, events } = startClient({ retryS: 0.5 });
    assert.ok(await waitFor(() => events.connected === 1, 5000));
    let acknowledged = 0;
    assert.ok(client.publishAtLeastOnce(`${prefix}/qos1`, 'reading-1', false, () => acknowledged++));
    assert.ok(await waitFor(() => acknowledged === 1, 5000), 'acknowledged after the retry');
    await sleep(700);
    const sent = proxy.fromClient.filter((packet) => packet.type === PACKET.publish).map(describePublish);
    assert.ok(sent.length >= 2, `${sent.length} PUBLISH packets`);
    assert.is(sent[0]!.isDuplicate, false);
    assert.is(sent[1]!.isDuplicate, true);
    assert.is(sent[1]!.packetId, sent[0]!.packetId);
    assert.is(acknowledged, 1, 'acknowledged once');
    assert.is(client.inflightCount(), 0);
    assert.ok(client.stats().retransmitted >= 1);
    assert.ok(watched.some((message) => message.topic === `${prefix}/qos1` && message.payload === 'reading-1'));
  });

  test('keep-alive: an idle client sends PINGREQ, the PINGRESP keeps the connection open', async () => {
    const { client, events } = startClient({}, { keepAliveS: 1 });
    assert.ok(await waitFor(() => events.connected === 1, 5000));
    assert.ok(await waitFor(() => proxy.fromBroker.some((packet) => packet.type === PACKET.pingresp), 5000), 'PINGRESP');
    assert.ok(proxy.fromClient.some((packet) => packet.type === PACKET.pingreq));
    await sleep(1500);
    assert.ok(client.isConnected());
    assert.is(client.stats().disconnects, 0);
  });

  test('reconnects with a growing backoff while the broker refuses, then resends what was in flight', async () => {
    const { client, events } = startClient({ backoffMinS: 0.1, backoffMaxS: 0.8, retryS: 30 });
    assert.ok(await waitFor(() => events.connected === 1, 5000));
    proxy.isRefusing = true;
    const acceptedBefore = proxy.acceptedAtMs.length;
    proxy.cutAll();
    let acknowledged = 0;
    assert.ok(client.publishAtLeastOnce(`${prefix}/offline`, 'queued-while-offline', false, () => acknowledged++));
    assert.ok(await waitFor(() => proxy.acceptedAtMs.length >= acceptedBefore + 5, 10000), 'kept trying');
    const attempts = proxy.acceptedAtMs.slice(acceptedBefore);
    const gapsMs = attempts.slice(1).map((atMs, i) => atMs - attempts[i]!);
    // 0.1, 0.2, 0.4, 0.8 s ± 20 % jitter: the delay doubles up to the ceiling.
    assert.ok(gapsMs[2]! > gapsMs[0]!, `gaps ${gapsMs.join(', ')} ms`);
    proxy.isRefusing = false;
    assert.ok(await waitFor(() => events.connected === 2 && acknowledged === 1, 5000), 'reconnected and delivered');
    assert.is(client.stats().connects, 2);
    assert.ok(await waitFor(() => watched.some((message) => message.payload === 'queued-while-offline'), 3000));
  });

  test('SUBSCRIBE to the cmd topic at QoS 1, then a command arrives and is acknowledged', async () => {
    const cmdTopic = `${prefix}/meter/cmd`;
    const { events } = startClient({ subscriptions: [cmdTopic] });
    assert.ok(await waitFor(() => proxy.fromBroker.some((packet) => packet.type === PACKET.suback), 5000), 'SUBACK');
    const subscribe = proxy.fromClient.find((packet) => packet.type === PACKET.subscribe)!;
    assert.is(subscribe.flags, 2, 'SUBSCRIBE fixed-header flags 0010 (§3.8.1)');
    assert.is(subscribe.bytes[subscribe.bytes.length - 1], 1, 'requested QoS 1');
    await watcher.publishAsync(cmdTopic, '{"cmd":"time","timeS":1767225600}', { qos: 1 });
    assert.ok(await waitFor(() => events.messages.length === 1, 5000), 'command received');
    assert.equal(events.messages, [{ topic: cmdTopic, payload: '{"cmd":"time","timeS":1767225600}' }]);
    assert.ok(await waitFor(() => proxy.fromClient.some((packet) => packet.type === PACKET.puback), 2000), 'PUBACK for the QoS 1 command');
  });

  test.run();
}

runSuite(aedesTarget);
runSuite(mosquittoTarget);
