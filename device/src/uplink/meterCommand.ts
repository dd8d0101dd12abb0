/**
 * Commands the relay sends on the meter's `cmd` topic (docs/protocol.md §"Commands"), parsed into a typed
 * value. Unknown or malformed commands are ignored and reported on the console, never thrown.
 *
 * - `{"cmd":"time","timeS":N}`: the relay's clock, for meters without SNTP (DESIGN §4, time).
 * - `{"cmd":"resend","fromSeq":N}`: publish again from seq N (the relay found a gap).
 * - `{"cmd":"ack","uptoSeq":N,"digest":"…"}`: the relay holds everything up to N and its record N has this
 *   SHA-256 digest (end-to-end acknowledgement). The digest is required: without it an ack could make the meter
 *   drop records nobody received.
 * - `{"cmd":"market",…}`: market news for the household's display; a clamp without a display accepts and
 *   ignores it (value 0), so it is not reported as a problem.
 */
import { isHexDigits } from '../records/hexDigits.ts';

export interface MeterCommand {
  cmd: 'time' | 'resend' | 'ack' | 'market';
  value: number;
  /** For `ack`: the digest as `0x` + 64 lower-case hex digits (the spelling of `prev`); '' otherwise. */
  digest: string;
}

/** `0x` + 64 lower-case hex digits from 64 hex digits with or without `0x`, either case; undefined otherwise. */
export function normalizedDigest(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const digits = text.indexOf('0x') === 0 ? text.substring(2) : text;
  if (!isHexDigits(digits, 64, true)) return undefined;
  return '0x' + digits.toLowerCase();
}

/**
 * A received value for a problem text, at most 80 characters. A missing field is named as such: Espruino's
 * `JSON.stringify(undefined)` gives the string "null" (V8 gives undefined), which would read as an explicit null.
 */
function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return String(JSON.stringify(value)).substring(0, 80);
}

/** Parses a command payload; returns a problem text for anything else. */
export function parseMeterCommand(payload: string): MeterCommand | string {
  let parsed: any;
  try {
    parsed = JSON.parse(payload);
  } catch (error) {
    return 'cmd: expected JSON, got ' + payload.length + ' bytes that do not parse';
  }
  if (parsed === null || typeof parsed !== 'object') return 'cmd: expected a JSON object';
  if (parsed.cmd === 'market') return { cmd: 'market', value: 0, digest: '' };
  const field = parsed.cmd === 'time' ? 'timeS' : parsed.cmd === 'resend' ? 'fromSeq' : parsed.cmd === 'ack' ? 'uptoSeq' : undefined;
  if (field === undefined) return 'cmd: expected "time", "resend", "ack" or "market", got ' + shownValue(parsed.cmd);
  const value = parsed[field];
  if (typeof value !== 'number' || value < 0 || Math.floor(value) !== value) return 'cmd: expected ' + field + ' as a non-negative integer';
  if (parsed.cmd !== 'ack') return { cmd: parsed.cmd, value, digest: '' };
  const digest = normalizedDigest(parsed.digest);
  if (digest === undefined) return 'cmd: expected digest as 64 hex digits in an ack, got ' + shownValue(parsed.digest);
  return { cmd: 'ack', value, digest };
}
