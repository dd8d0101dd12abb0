/**
 * A byte stream to the broker over Espruino's `net` (or `tls`) module: `connect({host, port}, onConnect)`
 * returns a socket with `write(string)`, `end()` and `on('data' | 'close' | 'error')`; data are strings of char
 * codes 0 … 255 (https://www.espruino.com/Reference#net).
 */
import { loadModule } from '../platform/loadModule.ts';

/** Callbacks of one connection attempt. */
export interface TransportEvents {
  onOpen(): void;
  onData(data: string): void;
  /** Called once, whether the connection failed, was closed by the peer, or by us. */
  onClose(): void;
}

export interface Transport {
  write(bytes: string): void;
  end(): void;
}

/** Opens a connection; errors arrive as `onClose`, never as an exception. */
export type OpenTransport = (events: TransportEvents) => Transport;

/** Where the broker is. */
export interface BrokerAddress {
  host: string;
  port: number;
  /** TLS through `require("tls")`. Espruino does not check certificates (DESIGN §9): it only hides traffic. */
  isTls: boolean;
}

/** An OpenTransport over the interpreter's `net` or `tls` module. */
export function netTransport(address: BrokerAddress): OpenTransport {
  return (events: TransportEvents) => {
    let isClosed = false;
    const close = () => {
      if (isClosed) return;
      isClosed = true;
      events.onClose();
    };
    const module = loadModule(address.isTls ? 'tls' : 'net');
    if (module === undefined) {
      setTimeout(close, 0);
      return { write() {}, end() {} };
    }
    let socket: any;
    try {
      socket = module.connect({ host: address.host, port: address.port }, () => {
        if (!isClosed) events.onOpen();
      });
    } catch (error) {
      setTimeout(close, 0);
      return { write() {}, end() {} };
    }
    socket.on('data', (data: string) => {
      if (!isClosed) events.onData(data);
    });
    socket.on('close', close);
    socket.on('error', close);
    return {
      write(bytes: string): void {
        if (!isClosed) socket.write(bytes);
      },
      end(): void {
        try {
          socket.end();
        } catch (error) {
          // already gone
        }
        close();
      },
    };
  };
}
