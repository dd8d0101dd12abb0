/**
 * Errors of the chain room, with a stable `code` (STYLE: one base error with a code and a cause).
 */
export type ChainErrorCode = 'anvil_start_failed' | 'artifact_missing' | 'deploy_failed' | 'rpc_unreachable' | 'deployment_mismatch';

/** A chain-room failure; `code` is stable, the message says what was expected and what came. */
export class ChainError extends Error {
  readonly code: ChainErrorCode;
  constructor(code: ChainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChainError';
    this.code = code;
  }
}
