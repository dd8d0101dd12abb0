/**
 * A refusal of the privacy room (field encryption, export, erasure) with a stable `code`. The web room turns it
 * into HTTP (`relay/web/routes/privacyRoutes.ts`); nothing in this room knows status codes.
 */
import { CodedError } from '../codedError.ts';

export type PrivacyErrorCode =
  /** A ciphertext does not have the `pet-gcm1.<keyId>.<iv>.<data>` shape. */
  | 'bad_ciphertext'
  /** The ciphertext names a key this relay does not hold (rotated away, or another relay's key). */
  | 'unknown_data_key'
  /** AES-GCM authentication failed: the ciphertext, its key id or its context was changed, or the key is wrong. */
  | 'tampered_ciphertext'
  /** The relay was started without a data key (`PET_DATA_KEY`), so it cannot encrypt, decrypt or pseudonymise. */
  | 'data_key_missing'
  /** An erasure request without the exact confirmation text. */
  | 'confirmation_required'
  /** The owner has trades whose settlement is not final yet; erasing now would break a payment in flight. */
  | 'settlement_pending';

export class PrivacyError extends CodedError<PrivacyErrorCode> {
  override readonly name = 'PrivacyError';
}
