/**
 * What a topic handler makes of one message before the chain checks: a record to check, a status to store, a
 * message to ignore, or a refusal with its code.
 */
import type { MeterRecord } from '../../../shared/protocol/recordTypes.ts';
import type { VerifyFailure } from '../../verify/sealVerifyWorker.ts';
import type { StatusRow } from '../../store/writeIngestBatch.ts';

export type IngestOutcome =
  | {
      type: 'record';
      record: MeterRecord;
      digest: string;
      /** Seals only: the signature check running in a verifier worker. */
      signatureCheck?: Promise<VerifyFailure | null>;
    }
  | { type: 'status'; status: StatusRow }
  /** Our own command topic and other traffic that is not for the relay: acknowledged, not stored. */
  | { type: 'ignore' }
  | { type: 'reject'; code: string; reason: string; meter: string | null; seq: number | null };
