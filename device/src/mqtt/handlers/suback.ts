import { readUint16 } from '../packetBytes.ts';
import type { RawPacket } from '../packetBytes.ts';
import type { SessionContext } from '../sessionContext.ts';

/** SUBACK, MQTT-3.1.1 §3.9: packet id, then one return code per filter (0x80 = failure, §3.9.3). */
export function handleSuback(session: SessionContext, packet: RawPacket): void {
  if (packet.body.length < 3) {
    session.failProtocol('malformed_suback', 'expected a packet id and a return code, got ' + packet.body.length + ' bytes');
    return;
  }
  session.completeSubscribe(readUint16(packet.body, 0), packet.body.charCodeAt(2));
}
