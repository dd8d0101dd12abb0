/**
 * Espruino's `net` and `tls` modules over Node sockets: `connect({host, port}, onConnect)` returning a socket
 * with `write(string)`, `end()` and `on('data' | 'close' | 'error')`; data cross as binary strings
 * (char codes 0 … 255, 'latin1'), as on the board (https://www.espruino.com/Reference#net).
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Runs a callback the way the interpreter would: an exception is reported, not fatal to the host. */
export type GuardCallback = (callback: (...args: any[]) => void, ...args: unknown[]) => void;

export interface NetStats {
  connects: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface EspruinoSocket {
  write(data: string): void;
  end(): void;
  on(event: string, handler: (...args: any[]) => void): void;
}

export interface EspruinoNet {
  connect(options: { host: string; port: number }, onConnect?: () => void): EspruinoSocket;
}

/** A `net` (or, with `isTls`, `tls`) module whose callbacks run through `guard`. */
export function createEspruinoNet(guard: GuardCallback, stats: NetStats, isTls: boolean, openSockets: Set<Socket>): EspruinoNet {
  return {
    connect(options, onConnect) {
      const socket: Socket = isTls
        ? connectTls({ host: options.host, port: options.port, rejectUnauthorized: false })
        : connectTcp({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      openSockets.add(socket);
      socket.once(isTls ? 'secureConnect' : 'connect', () => {
        stats.connects++;
        if (onConnect) guard(onConnect);
      });
      socket.on('close', () => openSockets.delete(socket));
      socket.on('error', () => {});
      return {
        write(data: string) {
          if (socket.destroyed) return;
          stats.bytesSent += data.length;
          socket.write(Buffer.from(data, 'latin1'));
        },
        end() {
          socket.end();
          socket.destroy();
        },
        on(event: string, handler: (...args: any[]) => void) {
          if (event === 'data') {
            socket.on('data', (chunk: Buffer) => {
              stats.bytesReceived += chunk.length;
              guard(handler, chunk.toString('latin1'));
            });
          } else if (event === 'close') {
            socket.on('close', () => guard(handler));
          } else if (event === 'error') {
            socket.on('error', (error: Error) => guard(handler, { code: 'socket_error', message: error.message }));
          }
        },
      };
    },
  };
}
