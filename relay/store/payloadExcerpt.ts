/**
 * A bounded, printable excerpt of an untrusted payload for the `rejections` table: at most
 * {@link PAYLOAD_EXCERPT_MAX_CHARS} characters, invalid UTF-8 replaced, control characters and lone surrogates
 * escaped (PostgreSQL text cannot hold NUL; logs and dashboards must not receive terminal escapes).
 */
export const PAYLOAD_EXCERPT_MAX_CHARS = 256;

const lenient = new TextDecoder('utf-8', { fatal: false });

/** Escapes C0/C1 controls, DEL, backslash and unpaired surrogates as `\uXXXX`. */
function escapeUnsafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (char) => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Untrusted text escaped as above and cut to at most `maxChars`, never inside a surrogate pair. */
export function safeText(text: string, maxChars: number): string {
  let out = escapeUnsafe(text.slice(0, maxChars + 1));
  if (out.length > maxChars) {
    out = out.slice(0, maxChars);
    if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
  }
  return out;
}

export function payloadExcerpt(payload: Uint8Array | string): string {
  const head = typeof payload === 'string' ? payload.slice(0, PAYLOAD_EXCERPT_MAX_CHARS + 1) : lenient.decode(payload.subarray(0, PAYLOAD_EXCERPT_MAX_CHARS * 4));
  return safeText(head, PAYLOAD_EXCERPT_MAX_CHARS);
}
