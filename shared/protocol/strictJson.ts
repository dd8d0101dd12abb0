/**
 * A strict reader for the flat JSON objects of the wire format. `JSON.parse` would turn `1.0`, `1e3` and
 * `"\u0030x…"` into values indistinguishable from their canonical spellings and silently keep the last of two
 * duplicate keys; this reader refuses all of those, so each record has exactly one accepted text.
 *
 * Accepted: one object whose values are strings without escapes or integers without fraction or exponent.
 */
import { ProtocolError } from './protocolError.ts';

export type FlatJsonValue = string | number;

/** Integers with more digits than this cannot be exact doubles and are refused before conversion. */
const MAX_INTEGER_DIGITS = 16;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

class FlatJsonReader {
  private position = 0;
  constructor(private readonly text: string) {}

  private fail(message: string): never {
    throw new ProtocolError('malformed_json', `${message} at offset ${this.position}`);
  }

  private skipWhitespace(): void {
    while (this.position < this.text.length && isWhitespace(this.text.charCodeAt(this.position))) this.position++;
  }

  private expect(char: string): void {
    this.skipWhitespace();
    if (this.text[this.position] !== char) this.fail(`expected '${char}'`);
    this.position++;
  }

  private readString(): string {
    if (this.text[this.position] !== '"') this.fail('expected a string');
    const start = ++this.position;
    while (this.position < this.text.length) {
      const code = this.text.charCodeAt(this.position);
      if (code === 0x22) return this.text.slice(start, this.position++);
      if (code === 0x5c) this.fail('escape sequences are not used by the protocol');
      if (code < 0x20) this.fail('control character in string');
      this.position++;
    }
    return this.fail('unterminated string');
  }

  private readInteger(field: string): number {
    const start = this.position;
    if (this.text[this.position] === '-') this.position++;
    const digitsStart = this.position;
    while (this.position < this.text.length && this.text.charCodeAt(this.position) >= 48 && this.text.charCodeAt(this.position) <= 57) {
      this.position++;
    }
    const digits = this.text.slice(digitsStart, this.position);
    if (digits.length === 0) this.fail('expected a digit');
    const next = this.text[this.position];
    if (next === '.' || next === 'e' || next === 'E') {
      throw new ProtocolError('not_integer', `expected an integer, got a number with a fraction or exponent`, field);
    }
    if (digits.length > 1 && digits[0] === '0') this.fail('leading zero in number');
    if (digits.length > MAX_INTEGER_DIGITS) {
      throw new ProtocolError('out_of_range', `expected at most ${MAX_INTEGER_DIGITS} digits, got ${digits.length}`, field);
    }
    return Number(this.text.slice(start, this.position));
  }

  private readValue(field: string): FlatJsonValue {
    this.skipWhitespace();
    const char = this.text[this.position];
    if (char === '"') return this.readString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.readInteger(field);
    if (char === '{' || char === '[' || char === 't' || char === 'f' || char === 'n') {
      throw new ProtocolError('wrong_type', `expected a string or an integer, got ${char === '{' ? 'an object' : char === '[' ? 'an array' : 'a literal'}`, field);
    }
    return this.fail('expected a value');
  }

  read(): Map<string, FlatJsonValue> {
    const fields = new Map<string, FlatJsonValue>();
    this.expect('{');
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
    } else {
      for (;;) {
        this.skipWhitespace();
        const key = this.readString();
        if (fields.has(key)) throw new ProtocolError('duplicate_field', 'field appears twice', key);
        this.expect(':');
        fields.set(key, this.readValue(key));
        this.skipWhitespace();
        const separator = this.text[this.position++];
        if (separator === '}') break;
        if (separator !== ',') this.fail("expected ',' or '}'");
      }
    }
    this.skipWhitespace();
    if (this.position !== this.text.length) this.fail('unexpected text after the object');
    return fields;
  }
}

/** Parses one flat JSON object; throws a {@link ProtocolError} naming what was wrong and where. */
export function readFlatJsonObject(text: string): Map<string, FlatJsonValue> {
  return new FlatJsonReader(text).read();
}
