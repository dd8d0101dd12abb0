/**
 * Every code the relay stores with a refused input: the protocol's own codes (docs/protocol.md §6, raised by
 * the wire codec and the signature check) plus the relay's checks of topics, meters, chains and clocks.
 */
import type { ProtocolErrorCode } from '../../shared/protocol/protocolError.ts';

export type RelayCheckCode =
  /** The topic is not `pet/v1/meters/{meter}/{sample|seal|status}` under the relay's prefix. */
  | 'bad_topic'
  /** The topic names a different meter than the payload. */
  | 'topic_mismatch'
  /** A sample on a seal topic or the reverse. */
  | 'topic_kind_mismatch'
  /** The meter is not registered and the relay's policy is `reject` (ADR 0302). */
  | 'unknown_meter'
  /** Measurement time further in the future than `PET_CLOCK_SKEW_S`. */
  | 'clock_skew'
  /** A seq already stored with a different digest. */
  | 'chain_fork'
  /** `prev` differs from the stored digest at seq − 1, or the stored record at seq + 1 names another predecessor. */
  | 'chain_break'
  /** An energy register below the one of an earlier record of the chain. */
  | 'counter_rollback'
  /** A second seal for an interval start that already has one. */
  | 'interval_resealed'
  /** A status message that is not the documented status object. */
  | 'bad_status';

export type RejectionCode = ProtocolErrorCode | RelayCheckCode;

/** Every relay-level code, for metrics that start every series at zero. */
export const RELAY_CHECK_CODES: readonly RelayCheckCode[] = [
  'bad_topic',
  'topic_mismatch',
  'topic_kind_mismatch',
  'unknown_meter',
  'clock_skew',
  'chain_fork',
  'chain_break',
  'counter_rollback',
  'interval_resealed',
  'bad_status',
];
