import { readUint16 } from '../packetBytes.ts';
import type { RawPacket } from '../packetBytes.ts';
import type { SessionContext } from '../sessionContext.ts';

/** PUBACK, MQTT-3.1.1 §3.4: the broker took ownership of a QoS 1 message (§4.3.2). */
export function handlePuback(session: SessionContext, packet: RawPacket): void {
  if (packet.body.length !== 2) {
    session.failProtocol('malformed_puback', 'expected a 2-byte PUBACK body, got ' + packet.body.length);
    return;
  }
  session.completePublish(readUint16(packet.body, 0));
}
