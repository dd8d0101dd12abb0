import type { RawPacket } from '../packetBytes.ts';
import type { SessionContext } from '../sessionContext.ts';

/** CONNACK, MQTT-3.1.1 §3.2: byte 1 bit 0 = Session Present (§3.2.2.2), byte 2 = return code (§3.2.2.3). */
export function handleConnack(session: SessionContext, packet: RawPacket): void {
  if (packet.body.length !== 2) {
    session.failProtocol('malformed_connack', 'expected a 2-byte CONNACK body, got ' + packet.body.length);
    return;
  }
  const returnCode = packet.body.charCodeAt(1);
  if (returnCode === 0) session.acceptConnection((packet.body.charCodeAt(0) & 1) === 1);
  else session.refuseConnection(returnCode);
}
