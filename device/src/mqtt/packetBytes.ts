/**
 * Byte-level pieces of MQTT 3.1.1 packets, over binary strings (one char per byte, codes 0 … 255): that is what
 * Espruino's sockets read and write, and Node's net shim converts with 'latin1'. Text fields are ASCII on this
 * protocol (topics and record JSON), so a JS string is already its UTF-8 encoding.
 */

/** Control packet types, MQTT-3.1.1 §2.2.1 Table 2.1. */
export const PACKET_CONNECT = 1;
export const PACKET_CONNACK = 2;
export const PACKET_PUBLISH = 3;
export const PACKET_PUBACK = 4;
export const PACKET_SUBSCRIBE = 8;
export const PACKET_SUBACK = 9;
export const PACKET_PINGREQ = 12;
export const PACKET_PINGRESP = 13;
export const PACKET_DISCONNECT = 14;

/** Remaining Length, MQTT-3.1.1 §2.2.3: 7 bits a byte, high bit = more follows, at most 4 bytes. */
export function encodeRemainingLength(length: number): string {
  let out = '';
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out += String.fromCharCode(byte);
  } while (rest > 0);
  return out;
}

/** Two-byte big-endian integer, MQTT-3.1.1 §1.5.2. */
export function encodeUint16(value: number): string {
  return String.fromCharCode((value >> 8) & 0xff, value & 0xff);
}

/** Length-prefixed string, MQTT-3.1.1 §1.5.3. */
export function encodeLengthPrefixed(text: string): string {
  return encodeUint16(text.length) + text;
}

/** Reads a two-byte big-endian integer at `offset`. */
export function readUint16(bytes: string, offset: number): number {
  return (bytes.charCodeAt(offset) << 8) | bytes.charCodeAt(offset + 1);
}

/** A complete packet: fixed-header type and flags, and the bytes after the Remaining Length. */
export interface RawPacket {
  type: number;
  flags: number;
  body: string;
}

/** Fixed header + body, MQTT-3.1.1 §2.2. */
export function framePacket(type: number, flags: number, body: string): string {
  return String.fromCharCode((type << 4) | flags) + encodeRemainingLength(body.length) + body;
}
