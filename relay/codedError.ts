/**
 * The base of the relay rooms' refusals (STYLE: one base error with a code and a cause): a stable `code` that
 * callers switch on and the web room maps to HTTP, and a message saying what was expected and what came. Each
 * room subclasses it with its own code union and `name`.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
