/**
 * Where market events go: the live feed's `market:<zone>` channel (docs/api.md) and the meters' MQTT `cmd` topic
 * (`pet/v1/meters/{meter}/cmd`, JSON with a `"cmd"` field, docs/protocol.md §Commands). Either may be absent.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { meterTopic } from '../../shared/protocol/topics.ts';

/** The feed's publishing door (`RunningHttpServer.feed`). */
export interface FeedPublisher {
  publish(channel: string, type: string, data: unknown): void;
}

export interface MarketPublisher {
  /** To everyone watching the zone's market. */
  toZone(zone: string, type: string, data: unknown): void;
  /** To one meter, on its command topic (QoS 1). */
  toMeter(meter: string, command: Record<string, unknown> & { cmd: string }): void;
  close(): Promise<void>;
}

const json = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * @example const publisher = await createMarketPublisher({ feed: http.feed, brokerUrl: relay.brokerUrl, topicPrefix: '' });
 */
export async function createMarketPublisher(options: { feed?: FeedPublisher | undefined; brokerUrl?: string | undefined; topicPrefix?: string; clientId?: string }): Promise<MarketPublisher> {
  let client: MqttClient | undefined;
  if (options.brokerUrl !== undefined) {
    client = await mqtt.connectAsync(options.brokerUrl, { clientId: options.clientId ?? `pet-market-${process.pid}-${Date.now() % 100000}`, clean: true, reconnectPeriod: 1000, connectTimeout: 5000 });
  }
  const prefix = options.topicPrefix ?? '';
  return {
    toZone(zone, type, data) {
      // The feed serialises with JSON.stringify: bigints are sent as decimal strings.
      options.feed?.publish(`market:${zone}`, type, JSON.parse(json(data)));
    },
    toMeter(meter, command) {
      client?.publish(`${prefix}${meterTopic(meter, 'cmd')}`, json(command), { qos: 1 });
    },
    async close() {
      await client?.endAsync();
    },
  };
}
