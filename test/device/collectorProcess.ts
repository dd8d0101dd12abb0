/**
 * Child-process entry of the independent subscriber (remoteCollector.ts starts it). It runs in its own process so
 * that its socket is read while the simulated meters keep the test process busy signing: a subscriber that stops
 * reading lets the broker's per-client queue overflow (Mosquitto drops QoS 1 messages past
 * `max_queued_messages`, DESIGN §7), which would be the test's loss, not the meters'.
 *
 * Messages from the parent: `{type:'start', url, clientId, addresses}` → `{type:'ready'}`;
 * `{type:'check', lastSeqs}` → `{type:'result', …}` (see {@link CollectorReport});
 * `{type:'clearRetained', addresses}` → `{type:'cleared'}`; `{type:'stop'}`.
 */
import type { MqttClient } from 'mqtt';
import { createRecordCollector, type RecordCollector } from './recordCollector.ts';

/** What the collector found, for the meters and last seqs it was asked about. */
export interface CollectorReport {
  /** Every seq 0 … last present for every meter asked about. */
  isComplete: boolean;
  /** Decoding, signature or duplicate problems. */
  problems: string[];
  /** Chain breaks and missing seqs (the first missing seq per meter). */
  chainProblems: string[];
  /** Distinct records held for the meters asked about, and how many of them are seals. */
  distinct: number;
  seals: number;
  /** Meters asked about with no seal among their records. */
  metersWithoutSeal: number;
  /** Records above a meter's last seq (there must be none). */
  beyondLast: number;
  /** Status payloads seen, newest per meter (docs/protocol.md §4). */
  statuses: Record<string, unknown>;
  /** End-to-end acks the collector has published to the meters so far. */
  acksSent: number;
}

/**
 * Connections sharing the subscription. Mosquitto queues at most `max_queued_messages` (1 000 by default) per
 * connection and drops the rest (DESIGN §7); 200 meters with 10 messages in flight each can put 2 000 in
 * flight at once, so one connection could lose messages in a burst that the meters were right to send.
 */
const CONNECTIONS = 4;

let collector: RecordCollector | undefined;
const clients: MqttClient[] = [];

function report(lastSeqs: Record<string, number>): CollectorReport {
  const result: CollectorReport = { isComplete: true, problems: collector!.problems.slice(0, 20), chainProblems: [], distinct: 0, seals: 0, metersWithoutSeal: 0, beyondLast: 0, statuses: collector!.statuses, acksSent: collector!.acksSent };
  for (const [address, lastSeq] of Object.entries(lastSeqs)) {
    const byMeter = collector!.records.get(address) ?? new Map();
    for (let seq = 0; seq <= lastSeq; seq++) if (!byMeter.has(seq)) result.isComplete = false;
    let hasSeal = false;
    for (const [seq, entry] of byMeter) {
      if (entry.record.kind === 'seal') hasSeal = true;
      if (seq > lastSeq) result.beyondLast++;
      else {
        result.distinct++;
        if (entry.record.kind === 'seal') result.seals++;
      }
    }
    if (!hasSeal) result.metersWithoutSeal++;
    result.chainProblems.push(...collector!.checkChain(address, lastSeq));
  }
  return result;
}

process.on('message', async (message: any) => {
  if (message.type === 'start') {
    collector = createRecordCollector(new Set(message.addresses as string[]));
    const group = `collector${process.pid}`;
    for (let i = 0; i < CONNECTIONS; i++) clients.push(await collector.connect(message.url, `${message.clientId}-${i}`, true, group));
    process.send!({ type: 'ready' });
  } else if (message.type === 'check') {
    process.send!({ type: 'result', report: report(message.lastSeqs) });
  } else if (message.type === 'clearRetained') {
    // The meters' status (and Last Will) is retained: leave no trace of this run on a shared broker.
    for (const address of message.addresses as string[]) await clients[0]!.publishAsync(`pet/v1/meters/${address}/status`, '', { qos: 1, retain: true });
    process.send!({ type: 'cleared' });
  } else if (message.type === 'stop') {
    for (const client of clients) await client.endAsync();
    process.exit(0);
  }
});
