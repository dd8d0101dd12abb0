/**
 * An independent subscriber for the fleet tests: mqtt.js, the relay's own decoder (`decodeRecord`) and noble
 * signature recovery (`verifySeal`). Collects every record per meter and checks each hash chain end to end.
 *
 * It also plays the relay's part in end-to-end delivery (docs/protocol.md, `ack`), implemented here on its own:
 * a meter keeps every record in flash until an ack names it. Per meter it keeps a watermark — the highest seq up
 * to which every record arrived, decoded, verified and links to the one before (or lies below the meter's
 * `heldFromSeq`, gone from the meter for good) — and every `ackPeriodMs` it publishes
 * `{"cmd":"ack","uptoSeq":N,"digest":…}` on the meter's `cmd` topic for each meter that sent anything since the
 * last round (duplicates too: a rebooted meter sends acknowledged records again and needs the ack again), where
 * N is the highest record it holds at or below the watermark.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';
import { meterTopic, parseMeterTopic } from '../../shared/protocol/topics.ts';
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
  /** Acks published so far. */
  acksSent: number;
}

export interface RecordCollectorOptions {
  /** How often the pending acks go out, ms (default 200); 0: never acknowledge. */
  ackPeriodMs?: number;
}

/** Per meter: the ack watermark and whether an ack is due. */
interface AckState {
  /** Every seq ≤ this arrived and links up, or is gone from the meter (below its heldFromSeq). */
  watermark: number;
  /** Something arrived since the last ack round. */
  isDue: boolean;
}

const DEFAULT_ACK_PERIOD_MS = 200;

export function createRecordCollector(addresses: Set<string>, options: RecordCollectorOptions = {}): RecordCollector {
  const records = new Map<string, Map<number, { record: MeterRecord; text: string }>>();
  const problems: string[] = [];
  const acks = new Map<string, AckState>();
  const ackPeriodMs = options.ackPeriodMs ?? DEFAULT_ACK_PERIOD_MS;
  let ackClient: MqttClient | undefined;
  let ackTimer: NodeJS.Timeout | undefined;

  function ackStateOf(meter: string): AckState {
    let state = acks.get(meter);
    if (state === undefined) {
      state = { watermark: -1, isDue: false };
      acks.set(meter, state);
    }
    return state;
  }

  /** Moves the watermark over every next record that is there and names the digest of the one before. */
  function advance(meter: string, state: AckState): void {
    const byMeter = records.get(meter);
    if (byMeter === undefined) return;
    for (;;) {
      const next = byMeter.get(state.watermark + 1);
      if (next === undefined) return;
      const current = byMeter.get(state.watermark);
      const expectedPrev = state.watermark < 0 ? ZERO_DIGEST_HEX : current === undefined ? next.record.prev : recordDigestHex(current.record);
      if (next.record.prev !== expectedPrev) return; // a broken chain is never acknowledged (checkChain reports it)
      state.watermark++;
    }
  }

  /** The ack of one meter: the highest record held at or below the watermark, with its digest. */
  function ackPayload(meter: string, state: AckState): string | undefined {
    const byMeter = records.get(meter);
    if (byMeter === undefined) return undefined;
    for (let seq = state.watermark; seq >= 0; seq--) {
      const entry = byMeter.get(seq);
      // The contract's spelling: 64 lower-case hex digits, no 0x.
      if (entry !== undefined) return JSON.stringify({ cmd: 'ack', uptoSeq: seq, digest: recordDigestHex(entry.record).slice(2) });
    }
    return undefined;
  }

  function sendDueAcks(): void {
    if (ackClient === undefined || !ackClient.connected) return;
    for (const [meter, state] of acks) {
      if (!state.isDue) continue;
      state.isDue = false;
      const payload = ackPayload(meter, state);
      if (payload === undefined) continue;
      ackClient.publish(meterTopic(meter, 'cmd'), payload, { qos: 1 });
      collector.acksSent++;
    }
  }

  const collector: RecordCollector = {
    records,
    problems,
    received: 0,
    statuses: {},
    acksSent: 0,
    async connect(url, clientId, isCleanSession = true, shareGroup) {
      const client = mqtt.connect(url, { clientId, clean: isCleanSession, reconnectPeriod: 200 });
      client.on('message', (topic, payload) => {
        const parsed = parseMeterTopic(topic);
        if (parsed === undefined || !addresses.has(parsed.meter)) return;
        if (parsed.kind === 'status') {
          let status: { heldFromSeq?: unknown };
          try {
            status = JSON.parse(payload.toString('utf8'));
          } catch {
            // An empty retained message clears the status (the tests do it at the end): nothing to read.
            if (payload.length > 0) problems.push(`${topic}: status is not JSON`);
            return;
          }
          collector.statuses[parsed.meter] = status;
          // Everything below heldFromSeq is gone from the meter: wait for it no longer.
          if (typeof status.heldFromSeq === 'number') {
            const state = ackStateOf(parsed.meter);
            if (state.watermark < status.heldFromSeq - 1) {
              state.watermark = status.heldFromSeq - 1;
              advance(parsed.meter, state);
              state.isDue = true;
            }
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
        if (earlier === undefined) byMeter.set(record.seq, { record, text });
        const state = ackStateOf(record.meter);
        advance(record.meter, state);
        state.isDue = true;
      });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      if (ackClient === undefined && ackPeriodMs > 0) {
        ackClient = client;
        ackTimer = setInterval(sendDueAcks, ackPeriodMs);
        ackTimer.unref();
        client.once('end', () => clearInterval(ackTimer));
      }
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
