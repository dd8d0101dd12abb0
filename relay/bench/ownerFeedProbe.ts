/**
 * Benchmark probe of the live feed as a meter owner sees it: signs in over the relay's HTTP API (EIP-4361
 * challenge, EIP-191 signature with viem, docs/api.md §"Sign-in"), opens WebSocket connections to `/ws` with the
 * session token, subscribes to `meter:<address>` of each given meter (≤ 64 channels a connection, the feed's
 * limit) and stamps the arrival of every `meter-sample` / `meter-seal` message by its `<meter>:<seq>` key.
 * The meter channel is sent as each batch is stored, without throttling (relay/feed/feedHub.ts), so its arrival
 * time is the whole publish → broker → relay → store → feed → client path.
 */
import WebSocket from 'ws';
import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const CHANNELS_PER_CONNECTION = 50;

/** A running probe. */
export interface OwnerFeedProbe {
  /** The signed-in owner's address (register the meters to it before subscribing). */
  ownerAddress: string;
  /** Subscribes to the meters' channels; resolves when every subscription was confirmed. */
  subscribe(meters: readonly string[]): Promise<void>;
  /** Arrival time (Unix ms, `performance.timeOrigin + performance.now()`) of each record by `<meter>:<seq>`. */
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Signs a fresh owner key in at `httpUrl` and returns the probe; no connection is opened before `subscribe`.
 * @example
 * const probe = await startOwnerFeedProbe(http.url);
 * await registerMeter(db, { address, zone: 'z', ownerAddress: probe.ownerAddress });
 * await probe.subscribe([address]);
 */
export async function startOwnerFeedProbe(httpUrl: string): Promise<OwnerFeedProbe> {
  const owner = privateKeyToAccount(generatePrivateKey());
  const challenge = await postJson(`${httpUrl}/api/v1/auth/challenge`, { address: owner.address });
  const signature: Hex = await owner.signMessage({ message: String(challenge.message) });
  const session = await postJson(`${httpUrl}/api/v1/auth/verify`, { message: challenge.message, signature });
  const token = String(session.token);
  const arrivals = new Map<string, number>();
  const sockets: WebSocket[] = [];

  async function connect(channels: readonly string[]): Promise<void> {
    const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    let confirmed = 0;
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        const now = performance.timeOrigin + performance.now();
        const message = JSON.parse(data.toString()) as { channel: string; type: string; data: { meter?: string; seq?: number; code?: string; message?: string } };
        if (message.type === 'meter-sample' || message.type === 'meter-seal') arrivals.set(`${message.data.meter}:${message.data.seq}`, now);
        else if (message.type === 'subscribed' && ++confirmed === channels.length) resolve();
        else if (message.type === 'error') reject(new Error(`feed refused ${message.channel}: ${message.data.code} ${message.data.message}`));
      });
      for (const channel of channels) socket.send(JSON.stringify({ op: 'subscribe', channel }));
    });
  }

  return {
    ownerAddress: owner.address.toLowerCase(),
    arrivals,
    async subscribe(meters) {
      const channels = meters.map((meter) => `meter:${meter.toLowerCase()}`);
      const groups: string[][] = [];
      for (let i = 0; i < channels.length; i += CHANNELS_PER_CONNECTION) groups.push(channels.slice(i, i + CHANNELS_PER_CONNECTION));
      await Promise.all(groups.map(connect));
    },
    async close() {
      await Promise.all(
        sockets.map((socket) => new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1000);
        })),
      );
    },
  };
}
