/**
 * The meter's transport (device/src/mqtt/transport.ts) over Node's `net`, with data as strings of char codes
 * 0 … 255 as Espruino delivers them — so the firmware's MQTT client runs unchanged in a Node test.
 */
import { createConnection } from 'node:net';
import type { OpenTransport } from '../../device/src/mqtt/transport.ts';

export function nodeTransport(host: string, port: number): OpenTransport {
  return (events) => {
    let isClosed = false;
    const close = () => {
      if (isClosed) return;
      isClosed = true;
      events.onClose();
    };
    const socket = createConnection({ host, port }, () => {
      if (!isClosed) events.onOpen();
    });
    socket.on('data', (data) => {
      if (!isClosed) events.onData(data.toString('latin1'));
    });
    socket.on('close', close);
    socket.on('error', close);
    return {
      write(bytes) {
        if (!isClosed) socket.write(Buffer.from(bytes, 'latin1'));
      },
      end() {
        socket.end();
        close();
      },
    };
  };
}
