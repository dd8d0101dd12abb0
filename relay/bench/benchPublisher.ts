/**
 * Child process of the ingest benchmark: builds the records of a scenario (valid chains from deterministic test
 * meters), then publishes them at QoS 1 to the broker, either flow-controlled (never more than `window`
 * records ahead of what the parent reports as consumed — Mosquitto drops beyond its queue limit, DESIGN §7)
 * or at a fixed rate; or publishes messages the parent hands it (`load`: the flush case's real meter records).
 * Talks to the parent over IPC: `prepare` answers with each record's digest and its
 * `<meter>:<seq>` key (in publish order), `go` in rate mode with each record's publish time (Unix ms from
 * `performance.timeOrigin + performance.now()`, the clock the parent stamps arrivals with).
 */
import mqtt from 'mqtt';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { buildChain, createTestMeter, wireMessage } from '../test/meterChain.ts';

export type BenchMessage =
  | { cmd: 'prepare'; scenario: 'cadence' | 'signed'; meters: number; intervals: number; samplesPerSeal: number; prefix: string; meterOffset: number }
  | { cmd: 'load'; messages: { topic: string; payload: string }[] }
  | { cmd: 'go'; mode: 'flow'; window: number }
  | { cmd: 'go'; mode: 'rate'; perSecond: number }
  | { cmd: 'consumed'; count: number }
  | { cmd: 'exit' };

const send = (message: unknown) => process.send!(message);
let messages: { topic: string; payload: string }[] = [];
let consumed = 0;
const client = await mqtt.connectAsync(process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883', { clientId: `pet-bench-pub-${process.pid}`, clean: true, reconnectPeriod: 0 });

function prepare(message: Extract<BenchMessage, { cmd: 'prepare' }>): void {
  const chains: MeterRecord[][] = [];
  for (let i = 0; i < message.meters; i++) chains.push(buildChain(createTestMeter(message.meterOffset + i), message.intervals, message.samplesPerSeal));
  const records: MeterRecord[] = [];
  const length = chains[0]!.length;
  for (let step = 0; step < length; step++) for (const chain of chains) records.push(chain[step]!);
  messages = records.map((record) => wireMessage(record, message.prefix));
  send({ prepared: messages.length, digests: records.map(recordDigestHex), keys: records.map((record) => `${record.meter}:${record.seq}`), seals: message.scenario === 'signed' ? messages.map((m) => m.payload) : undefined });
}

async function publishFlow(window: number): Promise<void> {
  let next = 0;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < messages.length && next - consumed < window && inFlight < 1000) {
        const message = messages[next++]!;
        inFlight += 1;
        client.publish(message.topic, message.payload, { qos: 1 }, () => {
          inFlight -= 1;
          if (next >= messages.length && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pumpers.add(pump);
    pump();
  });
}

async function publishRate(perSecond: number): Promise<number[]> {
  const times: number[] = new Array(messages.length);
  const started = performance.now();
  let acked = 0;
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const due = Math.min(messages.length, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
      while (next < due) {
        const index = next++;
        const message = messages[index]!;
        times[index] = performance.timeOrigin + performance.now();
        client.publish(message.topic, message.payload, { qos: 1 }, () => {
          if (++acked === messages.length) resolve();
        });
      }
      if (next < messages.length) setTimeout(tick, 1);
    };
    tick();
  });
  return times;
}

const pumpers = new Set<() => void>();
process.on('message', async (message: BenchMessage) => {
  if (message.cmd === 'prepare') prepare(message);
  else if (message.cmd === 'load') {
    messages = message.messages;
    send({ prepared: messages.length });
  }
  else if (message.cmd === 'consumed') {
    consumed = message.count;
    for (const pump of pumpers) pump();
  } else if (message.cmd === 'go' && message.mode === 'flow') {
    await publishFlow(message.window);
    pumpers.clear();
    send({ published: messages.length });
  } else if (message.cmd === 'go' && message.mode === 'rate') {
    const times = await publishRate(message.perSecond);
    send({ published: messages.length, publishTimes: times });
  } else if (message.cmd === 'exit') {
    await client.endAsync();
    process.exit(0);
  }
});
send({ ready: true });
