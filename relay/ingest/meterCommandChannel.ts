/**
 * The relay's own MQTT connection for commands to meters (`<prefix>pet/v1/meters/{meter}/cmd`, QoS 1, not
 * retained): acknowledgements and resend requests. A connection of its own, apart from the subscriber's, so that
 * publishing never waits behind the subscriber's held `handleMessage` (backpressure) or its deferred PUBACKs. It
 * subscribes to nothing: the relay's commands never come back into its ingest queue.
 *
 * Clean session: a command lost with a broken connection is not worth replaying — the next batch acknowledges
 * again, the gap timer asks again, and a meter's retransmission timer covers the rest.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { ConfigError } from '../config/configError.ts';
import type { Logger } from '../ops/logger.ts';

export interface MeterCommandChannel {
  /** Publishes `payload` on the meter's command topic; resolves when the broker acknowledged it (PUBACK). */
  send(meter: string, payload: string): Promise<void>;
  /** Publishes handed to MQTT.js and not yet acknowledged by the broker. */
  inFlight(): number;
  /** Waits up to `graceMs` for publishes in flight, then disconnects. */
  close(graceMs?: number): Promise<void>;
}

export interface MeterCommandChannelOptions {
  url: string;
  /** Which variable names `url` in errors (`MQTT_URL` or `PET_MQTT_PORT`). */
  urlVariable: string;
  clientId: string;
  topicPrefix: string;
  logger: Logger;
  connectTimeoutMs?: number;
}

/**
 * Connects the command connection.
 * @throws {ConfigError} `broker_unreachable` naming the variable when the broker does not answer.
 */
export async function connectMeterCommandChannel(options: MeterCommandChannelOptions): Promise<MeterCommandChannel> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(options.url, { clientId: options.clientId, clean: true, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: connectTimeoutMs }, false);
  } catch (error) {
    const { host } = new URL(options.url);
    throw new ConfigError('broker_unreachable', options.urlVariable, `cannot reach the MQTT broker at ${host} (${(error as { code?: string }).code ?? (error as Error).message})`, { cause: error });
  }
  client.on('error', (error) => options.logger.warn({ err: error, clientId: options.clientId }, 'MQTT command connection error'));
  let inFlight = 0;
  let drained: (() => void) | undefined;
  return {
    send(meter, payload) {
      inFlight += 1;
      return new Promise<void>((resolve, reject) => {
        client.publish(`${options.topicPrefix}${meterTopic(meter, 'cmd')}`, payload, { qos: 1, retain: false }, (error) => {
          inFlight -= 1;
          if (inFlight === 0) drained?.();
          if (error) reject(error);
          else resolve();
        });
      });
    },
    inFlight: () => inFlight,
    async close(graceMs = 2000) {
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await client.endAsync(true);
    },
  };
}
