/**
 * A scripted meter for delivery tests: it makes a valid chain (`meterChain.ts`), publishes exactly the records
 * and statuses a test names, and records every `ack` and `resend` the relay sends on its command topic. When
 * `isAnsweringResends` is on it answers a resend as the protocol says: everything it made from `fromSeq` on,
 * in order (go-back-N).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { type AckCommand, decodeDeliveryCommand, type DeliveryCommand, type ResendCommand } from '../../shared/protocol/meterCommands.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { createTestMeter, nextSample, nextSeal, type TestMeter, wireMessage } from './meterChain.ts';
import { publishAll } from './publisher.ts';
import { waitFor } from './waitFor.ts';

export interface ScriptedMeter {
  address: string;
  /** Every record made so far; `records[seq]` is the record at that seq. */
  records: MeterRecord[];
  /** Commands received, in order of arrival. */
  commands: DeliveryCommand[];
  isAnsweringResends: boolean;
  /** Makes `count` more records: samples with a seal after every `samplesPerSeal` of them. */
  make(count: number, samplesPerSeal?: number): MeterRecord[];
  /** Publishes the records at these seqs (QoS 1), in the order given. */
  publish(seqs: readonly number[]): Promise<void>;
  publishStatus(figures: { heldFromSeq?: number; dropped: number; queued?: number }): Promise<void>;
  acks(): AckCommand[];
  resends(): ResendCommand[];
  waitForAck(uptoSeq: number, what?: string): Promise<AckCommand>;
  waitForResend(fromSeq: number): Promise<ResendCommand>;
}

/** Meters of one test run, one command subscription for all of them. */
export interface ScriptedMeterFleet {
  create(index: number): ScriptedMeter;
  /** Runs `check` on every command as it arrives (before the meter's own handling). */
  onCommand(check: (meter: ScriptedMeter, command: DeliveryCommand) => void): void;
  close(): Promise<void>;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Connects a publisher and a command listener (`<prefix>pet/v1/meters/+/cmd`) to the broker at `url`. */
export async function connectScriptedMeters(url: string, prefix: string): Promise<ScriptedMeterFleet> {
  const id = Math.random().toString(16).slice(2, 10);
  const publisher: MqttClient = await mqtt.connectAsync(url, { clientId: `pet-test-meters-${id}`, clean: true, reconnectPeriod: 0 });
  const listener: MqttClient = await mqtt.connectAsync(url, { clientId: `pet-test-cmd-${id}`, clean: true, reconnectPeriod: 0 });
  await listener.subscribeAsync(`${prefix}pet/v1/meters/+/cmd`, { qos: 1 });
  const meters = new Map<string, ScriptedMeter>();
  const checks: ((meter: ScriptedMeter, command: DeliveryCommand) => void)[] = [];
  listener.on('message', (topic, payload) => {
    const address = topic.slice(prefix.length).split('/')[3] ?? '';
    const meter = meters.get(address);
    const command = decodeDeliveryCommand(payload.toString());
    if (meter === undefined || command === undefined) return;
    for (const check of checks) check(meter, command);
    meter.commands.push(command);
    if (command.cmd === 'resend' && meter.isAnsweringResends) void meter.publish(range(command.fromSeq, meter.records.length - 1));
  });

  function create(index: number): ScriptedMeter {
    const chain: TestMeter = createTestMeter(index);
    const publish = (messages: { topic: string; payload: string }[]) => publishAll(publisher, messages, 50);
    const meter: ScriptedMeter = {
      address: chain.address,
      records: [],
      commands: [],
      isAnsweringResends: false,
      make(count, samplesPerSeal = 4) {
        const made: MeterRecord[] = [];
        for (let i = 0; i < count; i++) made.push(chain.samplesSinceSeal >= samplesPerSeal ? nextSeal(chain) : nextSample(chain));
        meter.records.push(...made);
        return made;
      },
      publish: (seqs) => publish(seqs.map((seq) => wireMessage(meter.records[seq]!, prefix))),
      publishStatus: ({ heldFromSeq, dropped, queued = 0 }) =>
        publish([
          {
            topic: prefix + meterTopic(chain.address, 'status'),
            payload: JSON.stringify({ v: 1, state: 'online', seq: Math.max(0, chain.seq - 1), queued, dropped, ...(heldFromSeq === undefined ? {} : { heldFromSeq }), uptimeS: 60 }),
          },
        ]),
      acks: () => meter.commands.filter((command): command is AckCommand => command.cmd === 'ack'),
      resends: () => meter.commands.filter((command): command is ResendCommand => command.cmd === 'resend'),
      async waitForAck(uptoSeq, what = `an ack up to seq ${uptoSeq}`) {
        await waitFor(what, () => meter.acks().some((ack) => ack.uptoSeq === uptoSeq));
        return meter.acks().find((ack) => ack.uptoSeq === uptoSeq)!;
      },
      async waitForResend(fromSeq) {
        await waitFor(`a resend from seq ${fromSeq}`, () => meter.resends().some((resend) => resend.fromSeq === fromSeq));
        return meter.resends().find((resend) => resend.fromSeq === fromSeq)!;
      },
    };
    meters.set(chain.address, meter);
    return meter;
  }

  return {
    create,
    onCommand: (check) => checks.push(check),
    async close() {
      await listener.endAsync();
      await publisher.endAsync();
    },
  };
}
