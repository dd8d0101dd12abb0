/**
 * The packets a meter sends, MQTT 3.1.1 (OASIS Standard, 29 October 2014), one builder each.
 */
import {
  PACKET_CONNECT,
  PACKET_DISCONNECT,
  PACKET_PINGREQ,
  PACKET_PUBACK,
  PACKET_PUBLISH,
  PACKET_SUBSCRIBE,
  encodeLengthPrefixed,
  encodeUint16,
  framePacket,
} from './packetBytes.ts';

/** Settings carried by CONNECT. */
export interface ConnectOptions {
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  keepAliveS: number;
  isCleanSession: boolean;
  will: { topic: string; payload: string; qos: number; isRetained: boolean } | undefined;
}

/** CONNECT, MQTT-3.1.1 §3.1: protocol name "MQTT", level 4, flags §3.1.2.3, payload order §3.1.3. */
export function buildConnect(options: ConnectOptions): string {
  let flags = 0;
  if (options.isCleanSession) flags |= 0x02;
  let payload = encodeLengthPrefixed(options.clientId);
  if (options.will !== undefined) {
    flags |= 0x04 | ((options.will.qos & 3) << 3) | (options.will.isRetained ? 0x20 : 0);
    payload += encodeLengthPrefixed(options.will.topic) + encodeLengthPrefixed(options.will.payload);
  }
  if (options.username !== undefined) {
    flags |= 0x80;
    payload += encodeLengthPrefixed(options.username);
    if (options.password !== undefined) {
      flags |= 0x40; // §3.1.2.9: no password without a user name
      payload += encodeLengthPrefixed(options.password);
    }
  }
  const variableHeader = encodeLengthPrefixed('MQTT') + String.fromCharCode(4, flags) + encodeUint16(options.keepAliveS);
  return framePacket(PACKET_CONNECT, 0, variableHeader + payload);
}

/** PUBLISH, MQTT-3.1.1 §3.3: DUP §3.3.1.1, QoS §3.3.1.2, RETAIN §3.3.1.3; packet id only when QoS > 0. */
export function buildPublish(topic: string, payload: string, qos: number, packetId: number, isDuplicate: boolean, isRetained: boolean): string {
  const flags = (isDuplicate ? 0x08 : 0) | ((qos & 3) << 1) | (isRetained ? 1 : 0);
  const body = encodeLengthPrefixed(topic) + (qos > 0 ? encodeUint16(packetId) : '') + payload;
  return framePacket(PACKET_PUBLISH, flags, body);
}

/** PUBACK, MQTT-3.1.1 §3.4. */
export function buildPuback(packetId: number): string {
  return framePacket(PACKET_PUBACK, 0, encodeUint16(packetId));
}

/** SUBSCRIBE, MQTT-3.1.1 §3.8: fixed-header flags must be 0010 (§3.8.1). */
export function buildSubscribe(packetId: number, topicFilter: string, qos: number): string {
  return framePacket(PACKET_SUBSCRIBE, 2, encodeUint16(packetId) + encodeLengthPrefixed(topicFilter) + String.fromCharCode(qos));
}

/** PINGREQ, MQTT-3.1.1 §3.12. */
export function buildPingreq(): string {
  return framePacket(PACKET_PINGREQ, 0, '');
}

/** DISCONNECT, MQTT-3.1.1 §3.14: the broker then discards the Will (§3.1.2.5). */
export function buildDisconnect(): string {
  return framePacket(PACKET_DISCONNECT, 0, '');
}
