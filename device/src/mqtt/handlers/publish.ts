import { buildPuback } from '../packets.ts';
import { readUint16 } from '../packetBytes.ts';
import type { RawPacket } from '../packetBytes.ts';
import type { SessionContext } from '../sessionContext.ts';

/**
 * PUBLISH from the broker (the meter's `cmd` topic), MQTT-3.1.1 §3.3. QoS 1 is answered with PUBACK (§4.3.2);
 * the meter subscribes at QoS 1 at most, so QoS 2 is a protocol error here.
 */
export function handlePublish(session: SessionContext, packet: RawPacket): void {
  const qos = (packet.flags >> 1) & 3;
  const body = packet.body;
  if (body.length < 2) {
    session.failProtocol('malformed_publish', 'expected a topic length, got ' + body.length + ' bytes');
    return;
  }
  const topicLength = readUint16(body, 0);
  let offset = 2 + topicLength;
  if (qos > 1 || body.length < offset + (qos > 0 ? 2 : 0)) {
    session.failProtocol('malformed_publish', 'expected QoS 0 or 1 and a complete header, got QoS ' + qos);
    return;
  }
  const topic = body.substring(2, offset);
  if (qos === 1) {
    const packetId = readUint16(body, offset);
    offset += 2;
    session.send(buildPuback(packetId));
  }
  session.receiveMessage(topic, body.substring(offset));
}
