import WebSocket from 'ws';
import type { Session } from '../auth/sessionToken.ts';
import type { FeedMessage } from './feedMessage.ts';

/**
 * One connected feed client: its socket, subscriptions, optional owner session, heartbeat state and a bounded
 * send buffer. Slow consumers are **disconnected**, not silently thinned: a client whose unsent bytes would pass
 * `bufferMaxBytes` is terminated, and reconnects to a fresh state (a live view that skips updates unnoticed
 * would show stale power figures as if current).
 */
export class FeedClient {
  readonly socket: WebSocket;
  readonly subscriptions = new Set<string>();
  session: Session | undefined;
  /** Cleared at each ping, set by the pong; a client still cleared at the next ping is gone. */
  isAlive = true;
  readonly #bufferMaxBytes: number;
  readonly #onSlow: (client: FeedClient) => void;

  constructor(socket: WebSocket, options: { bufferMaxBytes: number; session: Session | undefined; onSlow: (client: FeedClient) => void }) {
    this.socket = socket;
    this.session = options.session;
    this.#bufferMaxBytes = options.bufferMaxBytes;
    this.#onSlow = options.onSlow;
    socket.on('pong', () => {
      this.isAlive = true;
    });
  }

  /** Sends one message; returns false when the client was closed or dropped as too slow. */
  send(message: FeedMessage): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify(message);
    if (this.socket.bufferedAmount + Buffer.byteLength(text) > this.#bufferMaxBytes) {
      this.#onSlow(this);
      this.socket.terminate();
      return false;
    }
    this.socket.send(text);
    return true;
  }

  /** The session, if present and not expired at `nowMs`. */
  liveSession(nowMs: number): Session | undefined {
    if (this.session !== undefined && nowMs >= this.session.expiresAtMs) this.session = undefined;
    return this.session;
  }
}
