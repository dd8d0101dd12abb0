/**
 * A trading parameter that could not be read. The message names the environment variable, says what was
 * expected and what came, so an operator can fix the deployment without reading code.
 */
export type ConfigErrorCode = 'not_decimal' | 'too_precise' | 'out_of_range' | 'bad_hour_range' | 'inconsistent';

/** A rejected configuration value; `variable` is the environment variable that carried it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly variable: string;

  constructor(code: ConfigErrorCode, variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.code = code;
    this.variable = variable;
  }
}
