/**
 * Errors of the chain room, with a stable `code` (STYLE: one base error with a code and a cause).
 */
import { CodedError } from '../codedError.ts';

export type ChainErrorCode = 'anvil_start_failed' | 'artifact_missing' | 'deploy_failed' | 'rpc_unreachable' | 'deployment_mismatch' | 'deployment_missing';

/** A chain-room failure; `code` is stable, the message says what was expected and what came. */
export class ChainError extends CodedError<ChainErrorCode> {
  override readonly name = 'ChainError';
}
