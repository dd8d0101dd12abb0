/**
 * Espruino's `net` and `tls` modules over Node sockets: `connect({host, port}, onConnect)` returning a socket
 * with `write(string)`, `end()` and `on('data' | 'close' | 'error')`; data cross as binary strings
 * (char codes 0 … 255, 'latin1'), as on the board (https://www.espruino.com/Reference#net).
 *
 * While the simulated network is down, a connection attempt fails as one to an unreachable host does: no
 * socket, an error and a close after a while, on the meter's own (possibly virtual) timers.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Runs a callback the way the interpreter would: an exception is reported, not fatal to the host. */
export type GuardCallback = (callback: (...args: any[]) => void, ...args: unknown[]) => void;

export interface NetStats {
  connects: number;
  /** Connection attempts made while the network was down (each failed as for an unreachable host). */
  unreachableAttempts: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface EspruinoSocket {
  write(data: string): void;
  end(): void;
  on(event: string, handler: (...args: any[]) => void): void;
}

/** Whether the meter's network is up, and a way to run something later on the meter's own timers. */
export interface NetworkLink {
  isUp(): boolean;
  later(callback: () => void, simulatedMs: number): void;
}

/** Simulated ms until an attempt made while the network is down fails (an unanswered ARP request, ~3 s). */
const UNREACHABLE_FAILURE_MS = 3000;

export interface EspruinoNet {
  connect(options: { host: string; port: number }, onConnect?: () => void): EspruinoSocket;
}

/** A connection attempt while the network is down: an error, then a close; `end()` closes it sooner. */
function unreachableSocket(guard: GuardCallback, link: NetworkLink): EspruinoSocket {
  const errorHandlers: ((...args: any[]) => void)[] = [];
  const closeHandlers: ((...args: any[]) => void)[] = [];
  let isClosed = false;
  const close = (isFailure: boolean) => {
    if (isClosed) return;
    isClosed = true;
    if (isFailure) for (const handler of errorHandlers) guard(handler, { code: 'socket_error', message: 'connect EHOSTUNREACH' });
    for (const handler of closeHandlers) guard(handler);
  };
  link.later(() => close(true), UNREACHABLE_FAILURE_MS);
  return {
    write() {},
    end() {
      link.later(() => close(false), 0);
    },
    on(event, handler) {
      if (event === 'error') errorHandlers.push(handler);
      else if (event === 'close') closeHandlers.push(handler);
    },
  };
}

/** A `net` (or, with `isTls`, `tls`) module whose callbacks run through `guard`; `link` default: always up. */
export function createEspruinoNet(guard: GuardCallback, stats: NetStats, isTls: boolean, openSockets: Set<Socket>, link?: NetworkLink): EspruinoNet {
  return {
    connect(options, onConnect) {
      if (link !== undefined && !link.isUp()) {
        stats.unreachableAttempts++;
        return unreachableSocket(guard, link);
      }
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
