/**
 * Maps a topic to exactly one handler (one handler per topic kind, as aedes and MQTT.js map packet types to
 * handlers). Topics outside `{prefix}pet/v1/meters/{meter}/{kind}` are refused as `bad_topic`.
 */
import { parseMeterTopic, type MeterTopicKind } from '../../shared/protocol/topics.ts';
import type { SealVerifierPool } from '../verify/sealVerifierPool.ts';
import { handleRecordMessage } from './handlers/handleRecordMessage.ts';
import { handleStatusMessage } from './handlers/handleStatusMessage.ts';
import type { IngestOutcome } from './handlers/ingestOutcome.ts';

type TopicHandler = (meter: string, payload: Uint8Array, verifier: SealVerifierPool) => IngestOutcome;

const handlers: Record<MeterTopicKind, TopicHandler> = {
  sample: (meter, payload, verifier) => handleRecordMessage(meter, 'sample', payload, verifier),
  seal: (meter, payload, verifier) => handleRecordMessage(meter, 'seal', payload, verifier),
  status: (meter, payload) => handleStatusMessage(meter, payload),
  // Commands flow relay → meter. The relay no longer subscribes to them (ADR 0303); a session still holding an
  // older `+/+` filter may deliver a few until it is unsubscribed.
  cmd: () => ({ type: 'ignore' }),
};

export function routeMessage(topic: string, payload: Uint8Array, topicPrefix: string, verifier: SealVerifierPool): IngestOutcome {
  const parsed = topic.startsWith(topicPrefix) ? parseMeterTopic(topic.slice(topicPrefix.length)) : undefined;
  if (parsed === undefined) {
    return { type: 'reject', code: 'bad_topic', reason: `expected ${topicPrefix}pet/v1/meters/{0x meter}/{sample|seal|status}`, meter: null, seq: null };
  }
  return handlers[parsed.kind](parsed.meter, payload, verifier);
}
