import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { AuthError } from '../auth/authError.ts';
import type { SignInService } from '../auth/signInService.ts';
import type { Session } from '../auth/sessionToken.ts';
import type { RelayEventBus, StoredRecord } from '../events/relayEventBus.ts';
import { isAggregateShowable } from '../store/queries/aggregatePrivacy.ts';
import { parseClientCommand, type ClientCommand } from './clientCommand.ts';
import { FeedClient } from './feedClient.ts';
import { feedMessage, type FeedErrorCode } from './feedMessage.ts';
import { ZoneLivePower } from './zoneLivePower.ts';

/** Settings and doors of the feed. */
export interface FeedHubOptions {
  events: RelayEventBus;
  signIn: SignInService;
  /** The owner (lower-case address) of a meter, null when it has none, undefined when the meter is unknown. */
  findOwner: (meter: string) => Promise<string | null | undefined>;
  /** Least time between two updates of one zone. */
  intervalMs: number;
  /** Unsent bytes above which a client is disconnected. */
  bufferMaxBytes: number;
  /** Heartbeat period. */
  pingMs: number;
  /** A meter whose latest sample is this much older than its zone's newest leaves the live sums. */
  staleAfterS?: number;
  maxSubscriptionsPerClient?: number;
  /** Largest client frame, bytes (larger ones close the connection with 1009). */
  maxClientFrameBytes?: number;
  logger: { warn(object: object, message: string): void };
  now?: () => number;
}

type ResolvedOptions = Required<FeedHubOptions>;

/**
 * The live feed (RFC 6455 WebSocket through `ws`): clients subscribe to `zone:<id>` for live zone power
 * (throttled to one update per zone per `intervalMs`, and only over ≥ 5 meters), to `meter:<address>` for the
 * meter's own stored records when signed in as its owner, and later to `market:<zone>` for market events
 * (`publish`). Envelope: `{ channel, type, data, ts }` (`feedMessage.ts`).
 */
export class FeedHub {
  readonly #options: ResolvedOptions;
  readonly #server: WebSocketServer;
  readonly #clients = new Set<FeedClient>();
  readonly #channels = new Map<string, Set<FeedClient>>();
  readonly #livePower: ZoneLivePower;
  readonly #lastZoneSendMs = new Map<string, number>();
  readonly #zoneTimers = new Map<string, NodeJS.Timeout>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #onRecordsStored = (records: StoredRecord[]) => this.#recordsStored(records);
  #slowClientsDropped = 0;

  constructor(options: FeedHubOptions) {
    this.#options = {
      staleAfterS: 300,
      maxSubscriptionsPerClient: 64,
      maxClientFrameBytes: 4_096,
      now: Date.now,
      ...options,
    };
    this.#livePower = new ZoneLivePower({ staleAfterS: this.#options.staleAfterS });
    this.#server = new WebSocketServer({ noServer: true, maxPayload: this.#options.maxClientFrameBytes });
    options.events.on('records-stored', this.#onRecordsStored);
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.pingMs);
    this.#heartbeat.unref();
  }

  /** Connected clients. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Clients disconnected so far because their send buffer was full. */
  get slowClientsDropped(): number {
    return this.#slowClientsDropped;
  }

  /**
   * Completes an HTTP upgrade that the server routed to the feed. A `?token=` query parameter signs the
   * connection in at once (a bad one is refused with 401 before the upgrade).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = new URL(request.url ?? '/', 'http://feed').searchParams.get('token');
    let session: Session | undefined;
    if (token !== null) {
      try {
        session = this.#options.signIn.authenticate(token);
      } catch (error) {
        const code = error instanceof AuthError ? error.code : 'bad_token';
        socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: { code, message: (error as Error).message } })}`);
        return;
      }
    }
    this.#server.handleUpgrade(request, socket, head, (ws) => {
      const client = new FeedClient(ws, { bufferMaxBytes: this.#options.bufferMaxBytes, session, onSlow: (slow) => this.#dropSlow(slow) });
      this.#clients.add(client);
      ws.on('message', (data: RawData, isBinary: boolean) => void this.#onMessage(client, data, isBinary));
      ws.on('close', () => this.#remove(client));
      ws.on('error', () => this.#remove(client));
    });
  }

  /**
   * Sends an event to every subscriber of a public channel — the door for market events (`market:<zone>`,
   * types such as `interval-cleared`, `trade`, `settled`). Owner-only data must not go through here.
   */
  publish(channel: string, type: string, data: unknown): void {
    if (!channel.startsWith('market:')) throw new RangeError(`publish: expected a market:<zone> channel, got ${channel}`);
    this.#broadcast(channel, type, data);
  }

  /** Stops listening, closes every client (1001 going away) and the timers. */
  async close(): Promise<void> {
    this.#options.events.off('records-stored', this.#onRecordsStored);
    clearInterval(this.#heartbeat);
    for (const timer of this.#zoneTimers.values()) clearTimeout(timer);
    this.#zoneTimers.clear();
    for (const client of this.#clients) client.socket.close(1001, 'relay shutting down');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const client of this.#clients) client.socket.terminate();
    this.#clients.clear();
  }

  #recordsStored(records: StoredRecord[]): void {
    for (const zone of this.#livePower.apply(records)) this.#scheduleZone(zone);
    for (const { record } of records) {
      const channel = `meter:${record.meter}`;
      const subscribers = this.#channels.get(channel);
      if (subscribers === undefined) continue;
      const message = feedMessage(channel, record.kind === 'seal' ? 'meter-seal' : 'meter-sample', record, this.#options.now());
      for (const client of subscribers) {
        // Owner detail stops with the session: an expired token loses its meter channels.
        if (client.liveSession(message.ts) === undefined) {
          this.#unsubscribe(client, channel);
          this.#refuse(client, 'expired_token', `session expired; sign in again to keep receiving ${channel}`);
          continue;
        }
        client.send(message);
      }
    }
  }

  /** At most one update per zone per interval: the first change schedules a send, later ones ride along. */
  #scheduleZone(zone: string): void {
    if (this.#zoneTimers.has(zone)) return;
    const nowMs = this.#options.now();
    const dueMs = (this.#lastZoneSendMs.get(zone) ?? -Infinity) + this.#options.intervalMs;
    const timer = setTimeout(() => {
      this.#zoneTimers.delete(zone);
      this.#lastZoneSendMs.set(zone, this.#options.now());
      this.#sendZone(zone);
    }, Math.max(0, dueMs - nowMs));
    timer.unref();
    this.#zoneTimers.set(zone, timer);
  }

  #sendZone(zone: string, only?: FeedClient): void {
    const aggregate = this.#livePower.aggregate(zone);
    // Privacy rule: a zone aggregate over fewer than 5 meters is never sent, to anyone.
    if (aggregate === undefined || !isAggregateShowable(aggregate.meterCount)) return;
    if (only !== undefined) only.send(feedMessage(`zone:${zone}`, 'zone-aggregate', aggregate, this.#options.now()));
    else this.#broadcast(`zone:${zone}`, 'zone-aggregate', aggregate);
  }

  #broadcast(channel: string, type: string, data: unknown): void {
    const subscribers = this.#channels.get(channel);
    if (subscribers === undefined) return;
    const message = feedMessage(channel, type, data, this.#options.now());
    for (const client of subscribers) client.send(message);
  }

  async #onMessage(client: FeedClient, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.#refuse(client, 'bad_message', 'expected a text frame holding JSON, got a binary frame');
    const command = parseClientCommand(data.toString());
    if (!('op' in command)) return this.#refuse(client, command.code, command.message);
    try {
      await this.#run(client, command);
    } catch (error) {
      if (error instanceof AuthError) return this.#refuse(client, error.code === 'expired_token' ? 'expired_token' : 'bad_token', error.message);
      this.#options.logger.warn({ err: error }, 'feed command failed');
      this.#refuse(client, 'bad_message', 'the relay could not carry out this command');
    }
  }

  async #run(client: FeedClient, command: ClientCommand): Promise<void> {
    const nowMs = this.#options.now();
    if (command.op === 'auth') {
      client.session = this.#options.signIn.authenticate(command.token);
      client.send(feedMessage('system', 'authenticated', { address: client.session.address, expiresAt: new Date(client.session.expiresAtMs).toISOString() }, nowMs));
      return;
    }
    if (command.op === 'unsubscribe') {
      this.#unsubscribe(client, command.channel);
      client.send(feedMessage(command.channel, 'unsubscribed', {}, nowMs));
      return;
    }
    if (!client.subscriptions.has(command.channel) && client.subscriptions.size >= this.#options.maxSubscriptionsPerClient) {
      return this.#refuse(client, 'too_many_subscriptions', `at most ${this.#options.maxSubscriptionsPerClient} channels per connection`);
    }
    if (command.channel.startsWith('meter:')) {
      const meter = command.channel.slice('meter:'.length);
      const session = command.token !== undefined ? this.#options.signIn.authenticate(command.token) : client.liveSession(nowMs);
      if (session === undefined) {
        return this.#refuse(client, 'not_authenticated', `${command.channel} is owner-only: send {"op":"auth","token":…} or a token with the subscription`, command.channel);
      }
      const owner = await this.#options.findOwner(meter);
      if (owner === undefined || owner === null || owner !== session.address) {
        return this.#refuse(client, 'not_owner', `${command.channel} is served only to the meter's owner; ${session.address} is not`, command.channel);
      }
      client.session = session;
    }
    this.#subscribe(client, command.channel);
    client.send(feedMessage(command.channel, 'subscribed', {}, nowMs));
    if (command.channel.startsWith('zone:')) this.#sendZone(command.channel.slice('zone:'.length), client);
  }

  #subscribe(client: FeedClient, channel: string): void {
    let subscribers = this.#channels.get(channel);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.#channels.set(channel, subscribers);
    }
    subscribers.add(client);
    client.subscriptions.add(channel);
  }

  #unsubscribe(client: FeedClient, channel: string): void {
    client.subscriptions.delete(channel);
    const subscribers = this.#channels.get(channel);
    subscribers?.delete(client);
    if (subscribers?.size === 0) this.#channels.delete(channel);
  }

  #refuse(client: FeedClient, code: FeedErrorCode, message: string, channel = 'system'): void {
    client.send(feedMessage(channel, 'error', { code, message }, this.#options.now()));
  }

  #remove(client: FeedClient): void {
    for (const channel of [...client.subscriptions]) this.#unsubscribe(client, channel);
    this.#clients.delete(client);
  }

  #dropSlow(client: FeedClient): void {
    this.#slowClientsDropped += 1;
    this.#options.logger.warn({ subscriptions: client.subscriptions.size }, 'feed client dropped: send buffer full');
    this.#remove(client);
  }

  #beat(): void {
    for (const client of this.#clients) {
      if (!client.isAlive) {
        client.socket.terminate();
        this.#remove(client);
        continue;
      }
      client.isAlive = false;
      client.socket.ping();
    }
  }
}
