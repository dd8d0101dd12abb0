import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { SignInService } from '../auth/signInService.ts';
import { ConfigError } from '../config/configError.ts';
import type { RelayConfig } from '../config/relayConfig.ts';
import type { RelayEventBus } from '../events/relayEventBus.ts';
import { attachFeed } from '../feed/attachFeed.ts';
import { FeedHub } from '../feed/feedHub.ts';
import type { DataKeyring } from '../privacy/dataKeyring.ts';
import { loadDataKeyring } from '../privacy/loadDataKeyring.ts';
import { createZoneDirectory } from '../market/zoneDirectory.ts';
import { findMeter } from '../store/queries/findMeter.ts';
import type { Store } from '../store/openStore.ts';
import type { ReadinessCheck } from './apiDependencies.ts';
import { createApp } from './createApp.ts';
import { mountDashboard } from './dashboard/dashboardRoutes.ts';
import { readWebConfig, type WebConfig } from './webConfig.ts';

/** What the web room needs from the relay's composition (`startRelay`). */
export interface StartHttpServerOptions {
  config: Pick<RelayConfig, 'httpPort' | 'httpHost'>;
  store: Pick<Store, 'db'>;
  events: RelayEventBus;
  /** The relay's prom-client registry, or `createRelayMetrics()`'s result that holds it. */
  metrics: Registry | { registry: Registry };
  logger: Logger;
  /** The web room's own settings; default: read from `process.env` once, now. */
  webConfig?: WebConfig;
  /** Extra `/health/ready` checks, e.g. the broker connection. */
  readinessChecks?: readonly ReadinessCheck[];
  /** Keys for personal fields (`relay/privacy/`); default: `loadDataKeyring` from PET_DATA_KEY, or a key file beside PGlite data. */
  dataKeyring?: DataKeyring;
  /** A zone's on-chain id (`ZoneDirectory.chainZoneOf`); default: the hash of its name. */
  chainZoneOf?: (zone: string) => bigint;
}

/** A running HTTP + WebSocket server. */
export interface RunningHttpServer {
  /** `http://host:port` it listens on (the real port when `PET_HTTP_PORT` is 0). */
  url: string;
  /** The feed, for publishing market events later (`feed.publish('market:<zone>', type, data)`). */
  feed: FeedHub;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new ConfigError('port_in_use', 'PET_HTTP_PORT', `port ${port} on ${host} is taken; set PET_HTTP_PORT to a free port (0 = any)`, { cause: error }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
        reject(new ConfigError('invalid_setting', 'PET_HTTP_HOST', `cannot listen on ${host}:${port} (${error.code})`, { cause: error }));
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the relay's HTTP API (Hono on `@hono/node-server`) with the live feed's WebSocket server on the same
 * port. The sign-in domain and URI come from `PET_PUBLIC_URL`, or else from the address it listens on.
 *
 * @throws {ConfigError} `port_in_use` naming `PET_HTTP_PORT`.
 * @example
 * const http = await startHttpServer({ config, store, events, metrics, logger });
 * logger.info({ url: http.url }, 'listening');
 */
/** Meters are registered on-chain under the ids of the configured zone tree (`PET_ZONE_TREE`). */
function chainZoneOfConfig(config: StartHttpServerOptions['config']): ((zone: string) => bigint) | undefined {
  return 'zoneForest' in config ? createZoneDirectory((config as Pick<RelayConfig, 'zoneForest'>).zoneForest).chainZoneOf : undefined;
}

export async function startHttpServer(options: StartHttpServerOptions): Promise<RunningHttpServer> {
  const web = options.webConfig ?? readWebConfig(process.env);
  const logger = options.logger.child({ room: 'web' });
  const registry = 'registry' in options.metrics ? options.metrics.registry : options.metrics;
  const db = options.store.db;
  // Read before listening: a malformed PET_DATA_KEY stops start-up with nothing left open.
  let dataKeyring = options.dataKeyring;
  if (dataKeyring === undefined) {
    const loaded = await loadDataKeyring(process.env, 'database' in options.config ? (options.config as Pick<RelayConfig, 'database'>).database : undefined);
    if (loaded.warning !== undefined) logger.warn(loaded.warning);
    dataKeyring = loaded.keyring;
  }

  // The server needs the app and the app needs the sign-in domain, known only after listening on port 0: the
  // request handler is bound late.
  let handle: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = createAdaptorServer({ fetch: (request) => handle(request) }) as Server;
  const address = await listen(server, options.config.httpPort, options.config.httpHost);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const publicUrl = new URL(web.publicUrl ?? url);

  if (web.operatorToken === undefined) logger.warn('PET_OPERATOR_TOKEN is not set: operator routes (meter registration, rejections) refuse every request');
  const signIn = new SignInService({
    domain: publicUrl.host,
    uri: publicUrl.origin,
    chainId: web.chainId,
    challengeTtlMs: web.challengeTtlS * 1_000,
    sessionTtlMs: web.sessionTtlS * 1_000,
    sessionSecret: web.sessionSecret,
    maxPendingChallenges: web.maxPendingChallenges,
  });
  const app = createApp({ db, signIn, metrics: registry, operatorToken: web.operatorToken, readinessChecks: options.readinessChecks ?? [], logger, now: Date.now, dataKeyring, chainZoneOf: options.chainZoneOf ?? chainZoneOfConfig(options.config) });
  // The page is bundled in memory at start; a failed bundle leaves the API serving and is logged.
  void mountDashboard(app, { onBuildError: (error) => logger.error({ err: error }, 'dashboard bundle failed') });
  handle = (request) => app.fetch(request);

  const feed = new FeedHub({
    events: options.events,
    signIn,
    findOwner: async (meter) => (await findMeter(db, meter))?.ownerAddress,
    intervalMs: web.feedIntervalMs,
    bufferMaxBytes: web.feedBufferMaxBytes,
    pingMs: web.feedPingMs,
    logger: logger.child({ room: 'feed' }),
  });
  const detachFeed = attachFeed(server, feed);

  return {
    url,
    feed,
    async close() {
      detachFeed();
      await feed.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    },
  };
}
