/**
 * Why a sign-in or a session was refused. The web room maps each code to an HTTP status; nothing here knows
 * status codes.
 */
import { CodedError } from '../codedError.ts';

export type AuthErrorCode =
  /** The address is not a 0x-prefixed 20-byte hex string. */
  | 'bad_address'
  /** The signed text is not an EIP-4361 message, or a field differs from the challenge this relay issued. */
  | 'bad_message'
  /** The nonce was never issued, was already used (replay), or was evicted. */
  | 'unknown_nonce'
  /** The challenge's expiration time has passed. */
  | 'expired_challenge'
  /** The signature does not recover to the message's address. */
  | 'bad_signature'
  /** No session token came with a request that needs one. */
  | 'missing_token'
  /** The token is malformed or its HMAC does not match. */
  | 'bad_token'
  /** The token's expiry has passed. */
  | 'expired_token';

/** A refused sign-in or session, with a stable `code` and a message saying what was expected and what came. */
export class AuthError extends CodedError<AuthErrorCode> {
  override readonly name = 'AuthError';
}
