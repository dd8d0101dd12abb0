/**
 * The delivery commands the relay sends on a meter's `cmd` topic (docs/protocol.md §4.1), as flat JSON:
 *
 * - `{"cmd":"ack","uptoSeq":N,"digest":"<64 lower-case hex>"}` — the relay holds every record with seq ≤ N, and
 *   the record it stored at N has this SHA-256 digest (the chain digest, §2). The digest is written as 64 hex
 *   digits without `0x`; a meter compares it with its own record N before it releases anything.
 * - `{"cmd":"resend","fromSeq":N}` — the relay misses seq N (and maybe more): send again from N.
 *
 * The encoders take already-valid values and throw on anything else (a bug in the caller, never meter input);
 * the decoder is strict, for test meters and simulators that read what the relay sends.
 */
import { MAX_UINT32 } from './recordTypes.ts';
import { readFlatJsonObject } from './strictJson.ts';

/** An acknowledgement: the relay's watermark for one meter. */
export interface AckCommand {
  cmd: 'ack';
  uptoSeq: number;
  /** 64 lower-case hex digits, no `0x`. */
  digest: string;
}

/** A request to send records again from `fromSeq`. */
export interface ResendCommand {
  cmd: 'resend';
  fromSeq: number;
}

export type DeliveryCommand = AckCommand | ResendCommand;

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINT32;
}

function isDigestDigits(text: string): boolean {
  if (text.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

/**
 * The ack for record `uptoSeq` whose digest is `digestHex` (as stored: `0x` + 64 lower-case hex, or the 64
 * digits alone).
 * @example encodeAckCommand(41, '0x5013…333d') // '{"cmd":"ack","uptoSeq":41,"digest":"5013…333d"}'
 */
export function encodeAckCommand(uptoSeq: number, digestHex: string): string {
  if (!isSeq(uptoSeq)) throw new RangeError(`uptoSeq: expected an integer 0 … ${MAX_UINT32}, got ${uptoSeq}`);
  const digits = digestHex.startsWith('0x') ? digestHex.slice(2) : digestHex;
  if (!isDigestDigits(digits)) throw new RangeError(`digest: expected 64 lower-case hex digits, got ${JSON.stringify(digestHex.slice(0, 80))}`);
  return `{"cmd":"ack","uptoSeq":${uptoSeq},"digest":"${digits}"}`;
}

/**
 * The request to send again from `fromSeq`.
 * @example encodeResendCommand(7) // '{"cmd":"resend","fromSeq":7}'
 */
export function encodeResendCommand(fromSeq: number): string {
  if (!isSeq(fromSeq)) throw new RangeError(`fromSeq: expected an integer 0 … ${MAX_UINT32}, got ${fromSeq}`);
  return `{"cmd":"resend","fromSeq":${fromSeq}}`;
}

/**
 * Reads an `ack` or `resend` command; returns undefined for any other command or a malformed one (exact fields,
 * no others, strict JSON).
 */
export function decodeDeliveryCommand(text: string): DeliveryCommand | undefined {
  let fields;
  try {
    fields = readFlatJsonObject(text);
  } catch {
    return undefined;
  }
  const cmd = fields.get('cmd');
  if (cmd === 'ack' && fields.size === 3) {
    const uptoSeq = fields.get('uptoSeq');
    const digest = fields.get('digest');
    if (isSeq(uptoSeq) && typeof digest === 'string' && isDigestDigits(digest)) return { cmd, uptoSeq, digest };
  }
  if (cmd === 'resend' && fields.size === 2) {
    const fromSeq = fields.get('fromSeq');
    if (isSeq(fromSeq)) return { cmd, fromSeq };
  }
  return undefined;
}
