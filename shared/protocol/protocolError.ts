/**
 * Every rejection of protocol input carries a stable `code` that the relay stores with the rejected record and
 * counts in its metrics; the message says what was expected and what came.
 */
export type ProtocolErrorCode =
  | 'payload_too_large'
  | 'malformed_json'
  | 'duplicate_field'
  | 'missing_field'
  | 'unknown_field'
  | 'wrong_type'
  | 'not_integer'
  | 'negative'
  | 'out_of_range'
  | 'bad_hex'
  | 'wrong_length'
  | 'unsupported_version'
  | 'unknown_kind'
  | 'interval_order'
  | 'counter_order'
  | 'bad_signature'
  | 'high_s'
  | 'bad_recovery_id'
  | 'signer_mismatch';

/** An input that the protocol refuses, with the reason as a stable code. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** The field that failed, when one did. */
  readonly field: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}
