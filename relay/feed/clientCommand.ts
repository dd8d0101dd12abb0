import type { FeedErrorCode } from './feedMessage.ts';

/** What a client may send: subscribe to / unsubscribe from a channel, or present a session token. */
export type ClientCommand =
  | { op: 'subscribe'; channel: string; token: string | undefined }
  | { op: 'unsubscribe'; channel: string }
  | { op: 'auth'; token: string };

/** A refused client message. */
export interface CommandRefusal {
  code: FeedErrorCode;
  message: string;
}

const channelPattern = /^(zone:[A-Za-z0-9_.:-]{1,64}|meter:0x[0-9a-fA-F]{40}|market:[A-Za-z0-9_.:-]{1,64})$/;
const MAX_TOKEN_LENGTH = 1_024;

/**
 * Reads one client text frame. Strict: known ops only, known fields only, channel names by pattern
 * (`zone:<name>`, `meter:<0x address>`, `market:<zone>`).
 */
export function parseClientCommand(text: string): ClientCommand | CommandRefusal {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'bad_message', message: 'expected a JSON object such as {"op":"subscribe","channel":"zone:<id>"}' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { code: 'bad_message', message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
  }
  const fields = value as Record<string, unknown>;
  const allowed = new Set(['op', 'channel', 'token']);
  const unknown = Object.keys(fields).find((key) => !allowed.has(key));
  if (unknown !== undefined) return { code: 'bad_message', message: `unknown field ${JSON.stringify(unknown.slice(0, 40))}; expected op, channel, token` };
  const token = fields.token;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)) {
    return { code: 'bad_message', message: `expected token to be a string of 1 … ${MAX_TOKEN_LENGTH} characters` };
  }
  if (fields.op === 'auth') {
    if (token === undefined) return { code: 'bad_message', message: 'expected {"op":"auth","token":"<session token>"}' };
    return { op: 'auth', token: token as string };
  }
  if (fields.op !== 'subscribe' && fields.op !== 'unsubscribe') {
    return { code: 'bad_message', message: `expected op subscribe, unsubscribe or auth, got ${JSON.stringify(String(fields.op).slice(0, 40))}` };
  }
  const channel = fields.channel;
  if (typeof channel !== 'string' || !channelPattern.test(channel)) {
    return { code: 'unknown_channel', message: `expected channel zone:<zone>, meter:<0x address> or market:<zone>, got ${JSON.stringify(String(channel).slice(0, 80))}` };
  }
  const normalized = channel.startsWith('meter:') ? channel.toLowerCase() : channel;
  if (fields.op === 'unsubscribe') return { op: 'unsubscribe', channel: normalized };
  return { op: 'subscribe', channel: normalized, token: token as string | undefined };
}
