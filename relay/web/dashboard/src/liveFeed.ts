/**
 * The live feed: one WebSocket to the relay's `/ws`, subscriptions by channel (`zone:<id>`, `meter:<address>`),
 * reconnection with back-off, and re-subscription after each reconnect. Messages are `{channel, type, data, ts}`.
 */

/** One feed message as the relay sends it. */
export interface FeedMessage {
  channel: string;
  type: string;
  data: unknown;
  /** Send time, Unix milliseconds (or an ISO string). */
  ts: number | string;
}

export type FeedState = 'connecting' | 'live' | 'offline';
type FeedListener = (message: FeedMessage) => void;

/** A reconnecting WebSocket client for the relay's live feed. */
export class LiveFeed {
  private socket: WebSocket | undefined;
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly stateListeners = new Set<(state: FeedState) => void>();
  private retryDelayMs = 500;
  private isClosed = false;
  private authToken: string | undefined;

  constructor(private readonly url: string) {}

  /** Opens the socket (and keeps it open until `close`). */
  open(): void {
    this.isClosed = false;
    this.connect();
  }

  /** Listens to `channel`; returns the function that stops listening. */
  subscribe(channel: string, listener: FeedListener): () => void {
    let channelListeners = this.listeners.get(channel);
    if (channelListeners === undefined) {
      channelListeners = new Set();
      this.listeners.set(channel, channelListeners);
      this.send({ op: 'subscribe', channel });
    }
    channelListeners.add(listener);
    return () => {
      channelListeners.delete(listener);
      if (channelListeners.size === 0) {
        this.listeners.delete(channel);
        this.send({ op: 'unsubscribe', channel });
      }
    };
  }

  /** Calls `listener` with every connection state change, starting with the current one. */
  onState(listener: (state: FeedState) => void): void {
    this.stateListeners.add(listener);
    listener(this.socket?.readyState === WebSocket.OPEN ? 'live' : 'connecting');
  }

  /** Sends the session token so owner-only channels open; re-sent on every reconnect. */
  authenticate(token: string | undefined): void {
    this.authToken = token;
    if (token !== undefined) this.send({ op: 'auth', token });
  }

  close(): void {
    this.isClosed = true;
    this.socket?.close();
  }

  private connect(): void {
    this.emitState('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryDelayMs = 500;
      this.emitState('live');
      if (this.authToken !== undefined) this.send({ op: 'auth', token: this.authToken });
      for (const channel of this.listeners.keys()) this.send({ op: 'subscribe', channel });
    });
    socket.addEventListener('message', (event) => this.dispatch(event.data));
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.emitState('offline');
      if (this.isClosed) return;
      setTimeout(() => this.connect(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 10_000);
    });
  }

  private dispatch(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let message: FeedMessage;
    try {
      message = JSON.parse(raw) as FeedMessage;
    } catch {
      return; // the relay only sends JSON; anything else is not for us
    }
    if (typeof message?.channel !== 'string') return;
    for (const listener of this.listeners.get(message.channel) ?? []) listener(message);
  }

  private send(payload: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(payload));
  }

  private emitState(state: FeedState): void {
    for (const listener of this.stateListeners) listener(state);
  }
}

/** The feed URL on the page's own host: ws(s)://host/ws. */
export function feedUrlForPage(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}
