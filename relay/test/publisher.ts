/** A test publisher: QoS 1 publishes of wire messages to a broker, resolved when the broker has acknowledged them. */
import mqtt, { type MqttClient } from 'mqtt';

export async function connectPublisher(url: string, clientId = `pet-test-pub-${Math.random().toString(16).slice(2, 10)}`): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
}

/** Publishes every message at QoS 1; at most `window` unacknowledged at a time. */
export async function publishAll(client: MqttClient, messages: readonly { topic: string; payload: string | Uint8Array }[], window = 200): Promise<void> {
  let next = 0;
  async function lane(): Promise<void> {
    while (next < messages.length) {
      const message = messages[next++]!;
      await client.publishAsync(message.topic, typeof message.payload === 'string' ? message.payload : Buffer.from(message.payload), { qos: 1 });
    }
  }
  await Promise.all(Array.from({ length: Math.min(window, messages.length) }, lane));
}
