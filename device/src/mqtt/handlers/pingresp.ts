import type { RawPacket } from '../packetBytes.ts';
import type { SessionContext } from '../sessionContext.ts';

/** PINGRESP, MQTT-3.1.1 §3.13: the broker is alive (keep-alive, §3.1.2.10). */
export function handlePingresp(session: SessionContext, packet: RawPacket): void {
  if (packet.body.length !== 0) session.failProtocol('malformed_pingresp', 'expected an empty PINGRESP, got ' + packet.body.length + ' bytes');
  else session.receivePong();
}
