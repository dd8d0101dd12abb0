/**
 * Child-process entry of the independent subscriber (remoteCollector.ts starts it). It runs in its own process so
 * that its socket is read while the simulated meters keep the test process busy signing: a subscriber that stops
 * reading lets the broker's per-client queue overflow (Mosquitto drops QoS 1 messages past
 * `max_queued_messages`, DESIGN §7), which would be the test's loss, not the meters'.
 *
 * Messages from the parent: `{type:'start', url, clientId, addresses}` → `{type:'ready'}`;
 * `{type:'check', lastSeqs}` → `{type:'result', …}` (see {@link CollectorReport}).
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
  /** Records above a meter's last seq (there must be none). */
  beyondLast: number;
  /** Status payloads seen, newest per meter (docs/protocol.md §4). */
  statuses: Record<string, unknown>;
}

let collector: RecordCollector | undefined;
let client: MqttClient | undefined;

function report(lastSeqs: Record<string, number>): CollectorReport {
  const result: CollectorReport = { isComplete: true, problems: collector!.problems.slice(0, 20), chainProblems: [], distinct: 0, seals: 0, beyondLast: 0, statuses: collector!.statuses };
  for (const [address, lastSeq] of Object.entries(lastSeqs)) {
    const byMeter = collector!.records.get(address) ?? new Map();
    for (let seq = 0; seq <= lastSeq; seq++) if (!byMeter.has(seq)) result.isComplete = false;
    for (const [seq, entry] of byMeter) {
      if (seq > lastSeq) result.beyondLast++;
      else {
        result.distinct++;
        if (entry.record.kind === 'seal') result.seals++;
      }
    }
    result.chainProblems.push(...collector!.checkChain(address, lastSeq));
  }
  return result;
}

process.on('message', async (message: any) => {
  if (message.type === 'start') {
    collector = createRecordCollector(new Set(message.addresses as string[]));
    client = await collector.connect(message.url, message.clientId);
    process.send!({ type: 'ready' });
  } else if (message.type === 'check') {
    process.send!({ type: 'result', report: report(message.lastSeqs) });
  } else if (message.type === 'stop') {
    await client?.endAsync();
    process.exit(0);
  }
});
