/**
 * Commands the relay sends on the meter's `cmd` topic (docs/protocol.md §"Commands"), parsed into a typed
 * value. Unknown or malformed commands are ignored and reported on the status topic, never thrown.
 *
 * - `{"cmd":"time","timeS":N}`: the relay's clock, for meters without SNTP (DESIGN §4, time).
 * - `{"cmd":"resend","fromSeq":N}`: publish again from seq N (the relay found a gap).
 * - `{"cmd":"ack","uptoSeq":N}`: the relay stored everything up to N (end-to-end acknowledgement).
 * - `{"cmd":"market",…}`: market news for the household's display; a clamp without a display accepts and
 *   ignores it (value 0), so it is not reported as a problem.
 */
export interface MeterCommand {
  cmd: 'time' | 'resend' | 'ack' | 'market';
  value: number;
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
  if (parsed.cmd === 'market') return { cmd: 'market', value: 0 };
  const field = parsed.cmd === 'time' ? 'timeS' : parsed.cmd === 'resend' ? 'fromSeq' : parsed.cmd === 'ack' ? 'uptoSeq' : undefined;
  if (field === undefined) return 'cmd: expected "time", "resend", "ack" or "market", got ' + JSON.stringify(parsed.cmd);
  const value = parsed[field];
  if (typeof value !== 'number' || value < 0 || Math.floor(value) !== value) return 'cmd: expected ' + field + ' as a non-negative integer';
  return { cmd: parsed.cmd, value };
}
