/**
 * An independent subscriber for the fleet tests: mqtt.js, the relay's own decoder (`decodeRecord`) and noble
 * signature recovery (`verifySeal`). Collects every record per meter and checks each hash chain end to end.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';
import { parseMeterTopic } from '../../shared/protocol/topics.ts';
import { decodeRecord } from '../../shared/protocol/wireCodec.ts';

export interface RecordCollector {
  /** Records by meter, then by seq (a re-delivered duplicate must be byte-identical). */
  records: Map<string, Map<number, { record: MeterRecord; text: string }>>;
  problems: string[];
  received: number;
  /** Newest status payload per meter (docs/protocol.md §4), parsed. */
  statuses: Record<string, unknown>;
  /**
   * `isCleanSession: false` keeps the subscription (and QoS 1 messages for it) across a broker restart. With
   * `shareGroup`, several connections of one collector split the messages (MQTT 5 shared subscriptions, which
   * Mosquitto also serves to 3.1.1 clients), so that no single connection's broker-side queue overflows.
   */
  connect(url: string, clientId: string, isCleanSession?: boolean, shareGroup?: string): Promise<MqttClient>;
  /** Checks one meter's chain from `firstSeq` (default 0) to `lastSeq`: every record present, prev links. */
  checkChain(address: string, lastSeq: number, firstSeq?: number): string[];
}

export function createRecordCollector(addresses: Set<string>): RecordCollector {
  const records = new Map<string, Map<number, { record: MeterRecord; text: string }>>();
  const problems: string[] = [];
  const collector: RecordCollector = {
    records,
    problems,
    received: 0,
    statuses: {},
    async connect(url, clientId, isCleanSession = true, shareGroup) {
      const client = mqtt.connect(url, { clientId, clean: isCleanSession, reconnectPeriod: 200 });
      client.on('message', (topic, payload) => {
        const parsed = parseMeterTopic(topic);
        if (parsed === undefined || !addresses.has(parsed.meter)) return;
        if (parsed.kind === 'status') {
          try {
            collector.statuses[parsed.meter] = JSON.parse(payload.toString('utf8'));
          } catch {
            problems.push(`${topic}: status is not JSON`);
          }
          return;
        }
        if (parsed.kind !== 'sample' && parsed.kind !== 'seal') return;
        collector.received++;
        const text = payload.toString('utf8');
        let record: MeterRecord;
        try {
          record = decodeRecord(payload);
          if (record.meter !== parsed.meter || record.kind !== parsed.kind) throw new Error(`record ${record.meter}/${record.kind} on topic ${topic}`);
          if (record.kind === 'seal') verifySeal(record);
        } catch (error) {
          problems.push(`${topic}: ${(error as Error).message}`);
          return;
        }
        const byMeter = records.get(record.meter) ?? new Map();
        records.set(record.meter, byMeter);
        const earlier = byMeter.get(record.seq);
        if (earlier !== undefined && earlier.text !== text) problems.push(`${record.meter} seq ${record.seq}: two different records`);
        byMeter.set(record.seq, { record, text });
      });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      await client.subscribeAsync(
        ['pet/v1/meters/+/sample', 'pet/v1/meters/+/seal', 'pet/v1/meters/+/status'].map((topic) => (shareGroup === undefined ? topic : `$share/${shareGroup}/${topic}`)),
        { qos: 1 },
      );
      return client;
    },
    checkChain(address, lastSeq, firstSeq = 0) {
      const found: string[] = [];
      const byMeter = records.get(address) ?? new Map();
      // From seq 0 the first prev is the zero digest; from a later seq (older records dropped) it is taken as given.
      let prev = firstSeq === 0 ? ZERO_DIGEST_HEX : byMeter.get(firstSeq)?.record.prev;
      for (let seq = firstSeq; seq <= lastSeq; seq++) {
        const entry = byMeter.get(seq);
        if (entry === undefined) {
          found.push(`${address}: seq ${seq} missing`);
          return found;
        }
        if (entry.record.prev !== prev) found.push(`${address}: seq ${seq} prev does not match the digest of seq ${seq - 1}`);
        prev = recordDigestHex(entry.record);
      }
      return found;
    },
  };
  return collector;
}

/** Waits until `condition()` holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}
