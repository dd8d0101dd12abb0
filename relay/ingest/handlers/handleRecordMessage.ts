/**
 * Handler for `pet/v1/meters/{meter}/sample` and `…/seal`: decodes the payload once (strict wire codec), checks
 * that the topic names the payload's meter and kind (docs/protocol.md §4), computes the digest, and for seals
 * starts the signature check in a verifier worker.
 */
import { ProtocolError } from '../../../shared/protocol/protocolError.ts';
import { recordDigestHex } from '../../../shared/protocol/recordDigest.ts';
import type { MeterTopicKind } from '../../../shared/protocol/topics.ts';
import { decodeRecord } from '../../../shared/protocol/wireCodec.ts';
import type { SealVerifierPool } from '../../verify/sealVerifierPool.ts';
import type { IngestOutcome } from './ingestOutcome.ts';

export function handleRecordMessage(topicMeter: string, topicKind: MeterTopicKind, payload: Uint8Array, verifier: SealVerifierPool): IngestOutcome {
  let record;
  try {
    record = decodeRecord(payload);
  } catch (error) {
    if (error instanceof ProtocolError) return { type: 'reject', code: error.code, reason: error.message, meter: topicMeter, seq: null };
    throw error;
  }
  if (record.meter !== topicMeter) {
    return { type: 'reject', code: 'topic_mismatch', reason: `topic names meter ${topicMeter}, payload names ${record.meter}`, meter: topicMeter, seq: record.seq };
  }
  if (record.kind !== topicKind) {
    return { type: 'reject', code: 'topic_kind_mismatch', reason: `a ${record.kind} record on a ${topicKind} topic`, meter: record.meter, seq: record.seq };
  }
  const digest = recordDigestHex(record);
  if (record.kind === 'seal') return { type: 'record', record, digest, signatureCheck: verifier.verify(record) };
  return { type: 'record', record, digest };
}
