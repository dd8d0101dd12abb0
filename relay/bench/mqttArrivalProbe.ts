/**
 * Baseline probe of the ingest benchmark's latency scenario: a plain mqtt.js subscriber (QoS 1, its own
 * non-shared subscription, so it receives a copy of every message the relay's shared group receives) that stamps
 * the arrival of each meter record by its `<meter>:<seq>` key. Publish → arrival here is the broker leg alone.
 */
import mqtt from 'mqtt';

/** A running probe. */
export interface MqttArrivalProbe {
  /** Arrival time (Unix ms, `performance.timeOrigin + performance.now()`) of each record by `<meter>:<seq>`. */
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Subscribes to `<topicPrefix>pet/v1/meters/+/sample` and `…/+/seal` at `url` (not `cmd`: the relay's acks go there).
 * @example
 * const probe = await startMqttArrivalProbe('mqtt://127.0.0.1:1883', 'pet-bench-1/', 'pet-bench-probe-1');
 */
export async function startMqttArrivalProbe(url: string, topicPrefix: string, clientId: string): Promise<MqttArrivalProbe> {
  const arrivals = new Map<string, number>();
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  client.on('message', (_topic, payload) => {
    const now = performance.timeOrigin + performance.now();
    const record = JSON.parse(payload.toString()) as { meter: string; seq: number };
    arrivals.set(`${record.meter}:${record.seq}`, now);
  });
  await client.subscribeAsync([`${topicPrefix}pet/v1/meters/+/sample`, `${topicPrefix}pet/v1/meters/+/seal`], { qos: 1 });
  return { arrivals, close: () => client.endAsync() };
}
