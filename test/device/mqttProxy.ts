/**
 * A small TCP proxy between an MQTT client and a broker that reads the packets going each way (MQTT-3.1.1 §2.2
 * fixed header: type in the high nibble of byte 1, DUP = bit 3, then the variable-length Remaining Length,
 * §2.2.3) so a test can see what the client sent, drop a chosen packet from the broker, cut connections or
 * refuse them.
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';

/** One packet seen by the proxy. */
export interface SeenPacket {
  type: number;
  flags: number;
  bytes: Buffer;
  atMs: number;
}

export interface MqttProxy {
  port: number;
  /** Client → broker packets, in order, over all connections. */
  fromClient: SeenPacket[];
  fromBroker: SeenPacket[];
  /** Times the client opened a TCP connection to the proxy. */
  acceptedAtMs: number[];
  /** Return true to drop a broker → client packet. */
  dropFromBroker: (packet: SeenPacket) => boolean;
  /** While true, connections are closed as soon as they open (a broker that is down but reachable). */
  isRefusing: boolean;
  /** Destroys every open connection without a DISCONNECT (the socket dies). */
  cutAll(): void;
  close(): Promise<void>;
}

/** Splits a byte stream into MQTT packets; keeps a partial packet for the next chunk. */
function packetSplitter(onPacket: (packet: SeenPacket) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      let length = 0;
      let multiplier = 1;
      let index = 1;
      let byte: number;
      do {
        if (index >= pending.length) return;
        byte = pending[index++]!;
        length += (byte & 127) * multiplier;
        multiplier *= 128;
      } while ((byte & 128) !== 0);
      if (pending.length < index + length) return;
      const bytes = pending.subarray(0, index + length);
      pending = pending.subarray(index + length);
      onPacket({ type: bytes[0]! >> 4, flags: bytes[0]! & 15, bytes: Buffer.from(bytes), atMs: Date.now() });
    }
  };
}

export async function startMqttProxy(brokerPort: number, brokerHost = '127.0.0.1'): Promise<MqttProxy> {
  const sockets = new Set<Socket>();
  const proxy: MqttProxy = {
    port: 0,
    fromClient: [],
    fromBroker: [],
    acceptedAtMs: [],
    dropFromBroker: () => false,
    isRefusing: false,
    cutAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cutAll();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    proxy.acceptedAtMs.push(Date.now());
    if (proxy.isRefusing) {
      client.destroy();
      return;
    }
    const broker = createConnection({ host: brokerHost, port: brokerPort });
    sockets.add(client);
    sockets.add(broker);
    const end = () => {
      client.destroy();
      broker.destroy();
      sockets.delete(client);
      sockets.delete(broker);
    };
    client.on('data', packetSplitter((packet) => {
      proxy.fromClient.push(packet);
      broker.write(packet.bytes);
    }));
    broker.on('data', packetSplitter((packet) => {
      proxy.fromBroker.push(packet);
      if (!proxy.dropFromBroker(packet)) client.write(packet.bytes);
    }));
    client.on('close', end);
    broker.on('close', end);
    client.on('error', end);
    broker.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  proxy.port = typeof address === 'object' && address !== null ? address.port : 0;
  return proxy;
}
