/**
 * Handler for `pet/v1/meters/{meter}/status` (docs/protocol.md §4): the documented status object, nothing else.
 * Stored as the meter's latest status. Its optional `heldFromSeq` (lowest seq still in the meter's queue; absent
 * from older firmware) tells the relay which missing records the meter can no longer send (§4.1).
 */
import { MAX_PAYLOAD_BYTES } from '../../../shared/protocol/wireCodec.ts';
import { MAX_UINT32 } from '../../../shared/protocol/recordTypes.ts';
import type { IngestOutcome } from './ingestOutcome.ts';

const statusFields = ['v', 'state', 'seq', 'queued', 'dropped', 'heldFromSeq', 'uptimeS'] as const;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function handleStatusMessage(topicMeter: string, payload: Uint8Array): IngestOutcome {
  const refuse = (reason: string): IngestOutcome => ({ type: 'reject', code: 'bad_status', reason, meter: topicMeter, seq: null });
  if (payload.length > MAX_PAYLOAD_BYTES) return refuse(`expected at most ${MAX_PAYLOAD_BYTES} bytes, got ${payload.length}`);
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(payload));
  } catch {
    return refuse('expected a UTF-8 JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('expected a JSON object');
  const fields = value as Record<string, unknown>;
  const extra = Object.keys(fields).find((key) => !(statusFields as readonly string[]).includes(key));
  if (extra !== undefined) return refuse(`field ${JSON.stringify(extra.slice(0, 40))} is not part of a status`);
  if (fields.v !== 1) return refuse(`expected v = 1, got ${JSON.stringify(fields.v)?.slice(0, 40)}`);
  if (fields.state !== 'online' && fields.state !== 'offline') return refuse(`expected state "online" or "offline", got ${JSON.stringify(fields.state)?.slice(0, 40)}`);
  for (const name of ['seq', 'queued', 'dropped', 'heldFromSeq', 'uptimeS'] as const) {
    const field = fields[name];
    if (name === 'heldFromSeq' && !Object.hasOwn(fields, name)) continue;
    if (typeof field !== 'number' || !Number.isInteger(field) || field < 0 || field > MAX_UINT32) return refuse(`${name}: expected an integer 0 … ${MAX_UINT32}, got ${JSON.stringify(field)?.slice(0, 40)}`);
  }
  return {
    type: 'status',
    status: {
      meter: topicMeter,
      state: fields.state,
      seq: fields.seq as number,
      queued: fields.queued as number,
      dropped: fields.dropped as number,
      heldFromSeq: Object.hasOwn(fields, 'heldFromSeq') ? (fields.heldFromSeq as number) : null,
      uptimeS: fields.uptimeS as number,
    },
  };
}
