/**
 * The relay's MQTT side: `connections` MQTT.js clients with fixed ids `<relayId>-<n>`, persistent sessions
 * (clean: false), QoS 1, subscribed to `$share/<group>/<prefix>pet/v1/meters/+/sample`, `…/+/seal` and
 * `…/+/status` (MQTT 5 §4.8.2 shared subscriptions; Mosquitto also honours them on 3.1.1) so that several
 * relays — and several connections of one relay, each with its own in-flight window — split the meters'
 * messages. Not `+/+`: the relay's own commands on `…/cmd` must not come back through its queue (a session
 * left with that older filter is unsubscribed from it). The embedded aedes has no shared subscriptions; there the
 * relay uses one connection and the plain filters.
 *
 * Backpressure: when the pipeline's queue is full, MQTT.js's `handleMessage` callback is held, which
 * stops MQTT.js parsing, which stops reading the socket, which makes the broker queue (bounded by its own
 * settings — see ADR 0301 and DESIGN §7 on Mosquitto's `max_queued_messages`).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { ConfigError } from '../config/configError.ts';
import type { Logger } from '../ops/logger.ts';
import { deferPubacks } from './deferPubacks.ts';
import type { IngestPipeline } from './ingestPipeline.ts';

export interface MqttSubscriberOptions {
  url: string;
  /** Which variable names `url` in errors (`MQTT_URL` or `PET_MQTT_PORT`). */
  urlVariable: string;
  relayId: string;
  connections: number;
  /** Topic filters to subscribe to, already including any `$share/<group>/` prefix. */
  filters: readonly string[];
  /** Filters an older relay version subscribed this session to: unsubscribed at connect. */
  formerFilters?: readonly string[];
  pipeline: IngestPipeline;
  logger: Logger;
  connectTimeoutMs?: number;
}

export interface MqttSubscriber {
  /** Stops reading new messages (unsubscribes nothing: the persistent session keeps queuing for us). */
  pause(): void;
  /** Closes every connection; PUBACKs not yet released are never sent, so the broker redelivers. */
  close(): Promise<void>;
}

function connectOne(options: MqttSubscriberOptions, index: number): Promise<MqttClient> {
  const clientId = `${options.relayId}-${index}`;
  let gate: ReturnType<typeof deferPubacks> | undefined;
  let isPaused = false;
  const client = mqtt.connect(options.url, {
    clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
  });
  gate = deferPubacks(client);
  client.on('close', () => gate!.reset());
  // MQTT.js calls handleMessage for every PUBLISH (QoS 0 and 1) and reads the next packet only after `done`:
  // holding `done` while the queue is full is the backpressure (MQTT.js docs: "handleMessage … backpressure").
  client.handleMessage = (packet, done) => {
    if (isPaused) return; // never answered: no PUBACK, the broker redelivers after we reconnect
    const release = packet.messageId !== undefined && packet.qos > 0 ? gate!.hold(packet.messageId) : () => {};
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    options.pipeline.push({ topic: packet.topic, payload, ack: release });
    if (options.pipeline.hasRoom()) done();
    else void options.pipeline.waitForRoom().then(() => done());
  };
  (client as MqttClient & { pauseIngest?: () => void }).pauseIngest = () => (isPaused = true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no CONNACK within the connect timeout')), (options.connectTimeoutMs ?? 5000) + 1000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      client.end(true);
      const { host } = new URL(options.url);
      reject(new ConfigError('broker_unreachable', options.urlVariable, `cannot reach the MQTT broker at ${host} (${(error as { code?: string }).code ?? error.message})`, { cause: error }));
    };
    client.once('error', fail);
    client.once('connect', (connack) => {
      clearTimeout(timer);
      client.removeListener('error', fail);
      client.on('error', (error) => options.logger.warn({ err: error, clientId }, 'MQTT connection error'));
      client.on('reconnect', () => options.logger.info({ clientId }, 'MQTT reconnecting'));
      // Subscribe again on every later connect, even when the broker says the session is present: Mosquitto 2.0
      // restores plain subscriptions from its persistence file after a restart but not `$share/…` ones, and
      // MQTT.js neither resubscribes a present session nor sends a SUBSCRIBE for a filter it remembers — without
      // `resubscribe: true` the relay would sit connected and receive nothing.
      client.on('connect', () => {
        const again = { ...Object.fromEntries(options.filters.map((filter) => [filter, { qos: 1 as const }])), resubscribe: true };
        client.subscribe(again as unknown as Record<string, { qos: 1 }>, (error) => {
          if (error) options.logger.warn({ err: error, clientId }, 'subscribing again after a reconnect failed');
        });
      });
      // Subscribe even when the session is present: idempotent, and it repairs a session left with other filters.
      void connack;
      if (options.formerFilters !== undefined && options.formerFilters.length > 0) client.unsubscribe([...options.formerFilters]);
      client.subscribe([...options.filters], { qos: 1 }, (error, granted) => {
        if (error) return fail(error);
        const refused = granted?.find((grant) => grant.qos === 128);
        if (refused !== undefined) return fail(new Error(`the broker refused the subscription ${refused.topic}`));
        resolve(client);
      });
    });
  });
}

/** Connects every client and subscribes; rejects with a `ConfigError` naming the variable when the broker is unreachable. */
export async function startMqttSubscriber(options: MqttSubscriberOptions): Promise<MqttSubscriber> {
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < options.connections; i++) clients.push(await connectOne(options, i));
  } catch (error) {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    throw error;
  }
  options.logger.info({ connections: clients.length, filters: options.filters }, 'subscribed');
  return {
    pause() {
      for (const client of clients) (client as MqttClient & { pauseIngest?: () => void }).pauseIngest?.();
    },
    async close() {
      // A clean DISCONNECT once the released PUBACKs are written. A connection whose reading is paused may never
      // finish a graceful end, so after a grace period the socket is destroyed: unacknowledged messages simply
      // return to the broker.
      await Promise.all(
        clients.map(
          (client) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                client.end(true);
                client.stream?.destroy();
                resolve();
              }, 2000);
              client.end(false, {}, () => {
                clearTimeout(timer);
                resolve();
              });
            }),
        ),
      );
    },
  };
}
