/**
 * A start-up setting that cannot be used: names the environment variable to fix, says what was expected and
 * what came. The CLI prints `message` alone, never a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Stable code: `invalid_setting`, `port_in_use`, `database_unreachable`, `broker_unreachable`. */
  readonly code: string;
  /** The environment variable the operator should look at. */
  readonly variable: string;

  constructor(code: string, variable: string, message: string, options?: { cause?: unknown }) {
    super(`${variable}: ${message}`, options);
    this.code = code;
    this.variable = variable;
  }
}
