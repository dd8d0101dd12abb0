/**
 * Reassembles MQTT packets from a TCP byte stream that arrives in arbitrary pieces (MQTT-3.1.1 §2.2: fixed
 * header, Remaining Length, then exactly that many bytes).
 */
import type { RawPacket } from './packetBytes.ts';

/** Largest packet accepted from the broker; a meter only receives small commands. */
export const MAX_INCOMING_PACKET_BYTES = 16384;

/** Feeds stream data in; calls `onPacket` for each complete packet, `onError` on a malformed stream. */
export interface PacketReader {
  push(data: string): void;
  reset(): void;
}

export function createPacketReader(onPacket: (packet: RawPacket) => void, onError: (error: { code: string; message: string }) => void): PacketReader {
  let buffer = '';
  return {
    push(data: string): void {
      buffer += data;
      while (buffer.length >= 2) {
        let length = 0;
        let multiplier = 1;
        let index = 1;
        let isComplete = false;
        while (index < buffer.length && index <= 4) {
          const byte = buffer.charCodeAt(index);
          length += (byte & 0x7f) * multiplier;
          multiplier *= 128;
          index++;
          if ((byte & 0x80) === 0) {
            isComplete = true;
            break;
          }
        }
        if (!isComplete) {
          if (index > 4) {
            buffer = '';
            onError({ code: 'malformed_length', message: 'expected a Remaining Length of at most 4 bytes (MQTT-3.1.1 §2.2.3)' });
          }
          return;
        }
        if (length > MAX_INCOMING_PACKET_BYTES) {
          buffer = '';
          onError({ code: 'packet_too_large', message: 'expected at most ' + MAX_INCOMING_PACKET_BYTES + ' bytes, got ' + length });
          return;
        }
        if (buffer.length < index + length) return;
        const first = buffer.charCodeAt(0);
        const packet: RawPacket = { type: first >> 4, flags: first & 15, body: buffer.substring(index, index + length) };
        buffer = buffer.substring(index + length);
        onPacket(packet);
      }
    },
    reset(): void {
      buffer = '';
    },
  };
}
