/**
 * One handler per packet type the broker may send to a client (MQTT-3.1.1 §2.2.1 Table 2.1, "Server to
 * Client"), looked up by type — as aedes and MQTT.js organise theirs.
 */
import { handleConnack } from './handlers/connack.ts';
import { handlePingresp } from './handlers/pingresp.ts';
import { handlePuback } from './handlers/puback.ts';
import { handlePublish } from './handlers/publish.ts';
import { handleSuback } from './handlers/suback.ts';
import type { RawPacket } from './packetBytes.ts';
import { PACKET_CONNACK, PACKET_PINGRESP, PACKET_PUBACK, PACKET_PUBLISH, PACKET_SUBACK } from './packetBytes.ts';
import type { SessionContext } from './sessionContext.ts';

type PacketHandler = (session: SessionContext, packet: RawPacket) => void;

/** Indexed by packet type; a type absent here is one a broker must not send a client. */
const handlersByType: (PacketHandler | undefined)[] = [];
handlersByType[PACKET_CONNACK] = handleConnack;
handlersByType[PACKET_PUBLISH] = handlePublish;
handlersByType[PACKET_PUBACK] = handlePuback;
handlersByType[PACKET_SUBACK] = handleSuback;
handlersByType[PACKET_PINGRESP] = handlePingresp;

/** Routes a packet to its handler; an unexpected type is a protocol error (MQTT-3.1.1 §4.8). */
export function dispatchPacket(session: SessionContext, packet: RawPacket): void {
  const handler = handlersByType[packet.type];
  if (handler === undefined) session.failProtocol('unexpected_packet', 'expected a server-to-client packet type, got ' + packet.type);
  else handler(session, packet);
}
