/**
 * Acknowledge-after-store on top of MQTT.js. MQTT.js sends a QoS 1 PUBACK as soon as `handleMessage` calls
 * back (or `customHandleAcks` answers, MQTT 5 only) and handles the connection's next packet only after that, so
 * holding the callback until a record is stored would process one message per database round trip. Instead the relay answers at once and holds back the
 * PUBACK packet itself until the message's `ack()` runs (MQTT-3.1.1 §4.3.2: the receiver owns the message only
 * once it sends PUBACK; until then the broker must redeliver it on a new connection of the same session).
 *
 * This wraps MQTT.js's internal `_sendPacket` (mqtt 5.16.0, pinned in package.json); the ingest tests check the
 * behaviour end to end (kill -9 between delivery and storage loses nothing). ADR 0301 records the choice.
 */
import type { MqttClient } from 'mqtt';

interface HeldAck {
  isReleased: boolean;
  send?: () => void;
}

export interface PubackGate {
  /** Registers a delivered QoS 1 message; returns the function that releases its PUBACK. */
  hold(messageId: number): () => void;
  /** Forgets held PUBACKs (the connection closed: the broker will redeliver those messages). */
  reset(): void;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

export function deferPubacks(client: MqttClient): PubackGate {
  const held = new Map<number, HeldAck>();
  const internal = client as unknown as { _sendPacket: SendPacket };
  const original = internal._sendPacket.bind(client);
  internal._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      const entry = held.get(packet.messageId);
      if (entry !== undefined && !entry.isReleased) {
        entry.send = () => original(packet, undefined, ...rest);
        cb?.(); // let MQTT.js move on to the next packet now
        return;
      }
      held.delete(packet.messageId);
    }
    original(packet, cb, ...rest);
  };
  return {
    hold(messageId) {
      const entry: HeldAck = { isReleased: false };
      held.set(messageId, entry);
      return () => {
        if (held.get(messageId) !== entry || entry.isReleased) return;
        entry.isReleased = true;
        if (entry.send !== undefined) {
          held.delete(messageId);
          if (client.connected) entry.send();
        }
      };
    },
    reset() {
      held.clear();
    },
  };
}
