/**
 * Child process of the ingest benchmark's latency scenario: runs the WebSocket owner probe
 * (`ownerFeedProbe.ts`) and the plain MQTT baseline probe (`mqttArrivalProbe.ts`) away from the relay's event
 * loop, so that a busy relay delays the messages it sends but not the stamping of their arrival. Talks to the
 * parent over IPC; arrival times are Unix ms from `performance.timeOrigin + performance.now()`, the clock the
 * publisher stamps publish times with.
 */
import { startMqttArrivalProbe, type MqttArrivalProbe } from './mqttArrivalProbe.ts';
import { startOwnerFeedProbe, type OwnerFeedProbe } from './ownerFeedProbe.ts';

export type ProbeMessage =
  | { cmd: 'sign-in'; httpUrl: string }
  | { cmd: 'subscribe'; meters: string[]; mqttUrl: string; topicPrefix: string; clientId: string }
  | { cmd: 'count' }
  | { cmd: 'collect' }
  | { cmd: 'exit' };

const send = (message: unknown) => process.send!(message);
let feed: OwnerFeedProbe | undefined;
let mqttProbe: MqttArrivalProbe | undefined;

process.on('message', async (message: ProbeMessage) => {
  try {
    if (message.cmd === 'sign-in') {
      feed = await startOwnerFeedProbe(message.httpUrl);
      send({ ownerAddress: feed.ownerAddress });
    } else if (message.cmd === 'subscribe') {
      await feed!.subscribe(message.meters);
      mqttProbe = await startMqttArrivalProbe(message.mqttUrl, message.topicPrefix, message.clientId);
      send({ subscribed: message.meters.length });
    } else if (message.cmd === 'count') {
      send({ counts: { feed: feed?.arrivals.size ?? 0, mqtt: mqttProbe?.arrivals.size ?? 0 } });
    } else if (message.cmd === 'collect') {
      send({ arrivals: { feed: [...(feed?.arrivals ?? [])], mqtt: [...(mqttProbe?.arrivals ?? [])] } });
    } else if (message.cmd === 'exit') {
      await feed?.close();
      await mqttProbe?.close();
      process.exit(0);
    }
  } catch (error) {
    send({ failed: (error as Error).message });
  }
});
send({ ready: true });
