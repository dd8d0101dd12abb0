/**
 * The relay composed: configuration → logger and metrics → store (migrations) → broker (embedded aedes unless
 * `MQTT_URL`) → seal verifier workers → meter command connection (acks, gap repair) → ingest pipeline → MQTT
 * subscriber → web server (`relay/web/`, when present) → retention timer. Returns a handle whose `stop()` takes it
 * all down in the reverse order without losing anything acknowledged.
 */
import { existsSync } from 'node:fs';
import type { RelayConfig } from './config/relayConfig.ts';
import { readRelayConfig } from './config/relayConfig.ts';
import { createRelayEventBus, type RelayEventBus } from './events/relayEventBus.ts';
import { createMeterAcknowledger } from './ingest/acknowledgeMeters.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingest/embeddedBroker.ts';
import { startIngestPipeline, type IngestPipeline } from './ingest/ingestPipeline.ts';
import { connectMeterCommandChannel } from './ingest/meterCommandChannel.ts';
import { startMqttSubscriber, type MqttSubscriber } from './ingest/mqttSubscriber.ts';
import { startGapRepair } from './ingest/repairGaps.ts';
import { createLogger, type Logger } from './ops/logger.ts';
import { createRelayMetrics, type RelayMetrics } from './ops/metrics.ts';
import { openStore, type Store } from './store/openStore.ts';
import { runRetention } from './store/runRetention.ts';
import { startSealVerifierPool, type SealVerifierPool } from './verify/sealVerifierPool.ts';

/** The door of the web room (`relay/web/startHttpServer.ts`). */
export interface HttpServerHandle {
  url: string;
  close(): Promise<void>;
}
type StartHttpServer = (rooms: { config: RelayConfig; store: Store; events: RelayEventBus; metrics: RelayMetrics; logger: Logger }) => Promise<HttpServerHandle>;

export interface RelayHandle {
  config: RelayConfig;
  store: Store;
  events: RelayEventBus;
  metrics: RelayMetrics;
  logger: Logger;
  /** URL meters publish to (the embedded broker's, with its bound port, or `MQTT_URL`). */
  brokerUrl: string;
  /** The web room's URL, when it was started. */
  httpUrl: string | undefined;
  /** Messages received and not yet stored. */
  ingestDepth(): number;
  /** Resolves when everything received so far is stored and acknowledged. */
  drain(): Promise<void>;
  /** Stop reading, drain, store, acknowledge, close everything. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRelayOptions {
  /** Defaults to `readRelayConfig(process.env)`. */
  config?: RelayConfig;
  logger?: Logger;
  /** Start the web room if `relay/web/startHttpServer.ts` exists (default true). */
  withHttp?: boolean;
  /** Relay clock, Unix seconds (tests). */
  nowS?: () => number;
  /** prom-client default process metrics (default true; tests running many relays turn them off). */
  withProcessMetrics?: boolean;
}

const RETENTION_PERIOD_MS = 60 * 60 * 1000;

/**
 * Starts a relay.
 * @throws {ConfigError} when a setting is invalid, a port is taken, or the database or broker is unreachable —
 *   its message names the variable to set.
 * @example
 * const relay = await startRelay();
 * process.on('SIGTERM', () => relay.stop());
 */
export async function startRelay(options: StartRelayOptions = {}): Promise<RelayHandle> {
  const config = options.config ?? readRelayConfig(process.env);
  const logger = options.logger ?? createLogger(config);
  const metrics = createRelayMetrics({ withProcessMetrics: options.withProcessMetrics ?? true });
  const events = createRelayEventBus();
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => logger.error({ err: error }, 'error while stopping'));
    cleanups.length = 0;
  };
  try {
    const store = await openStore(config.database);
    cleanups.push(() => store.close());
    let brokerUrl: string;
    let urlVariable: string;
    if (config.broker.kind === 'embedded') {
      const broker: EmbeddedBroker = await startEmbeddedBroker(config.broker.host, config.broker.port);
      cleanups.push(() => broker.close());
      brokerUrl = broker.url;
      urlVariable = 'PET_MQTT_PORT';
    } else {
      brokerUrl = config.broker.url;
      urlVariable = 'MQTT_URL';
    }
    const verifier: SealVerifierPool = startSealVerifierPool({
      workers: config.verifyWorkers,
      batchMax: config.verifyBatchMax,
      onBatch: (_size, durationS) => metrics.verifyBatchSeconds.observe(durationS),
    });
    cleanups.push(() => verifier.close());
    const ingestLogger = logger.child({ room: 'ingest' });
    const commands = await connectMeterCommandChannel({ url: brokerUrl, urlVariable, clientId: `${config.relayId}-cmd`, topicPrefix: config.topicPrefix, logger: ingestLogger });
    cleanups.push(() => commands.close());
    const acknowledger = createMeterAcknowledger({ channel: commands, metrics, logger: ingestLogger });
    const gapRepair = startGapRepair({ db: store.db, channel: commands, resendHoldMs: config.resendHoldMs, metrics, logger: ingestLogger });
    cleanups.push(() => gapRepair.close());
    const pipeline: IngestPipeline = startIngestPipeline({
      config,
      db: store.db,
      verifier,
      events,
      metrics,
      logger: ingestLogger,
      onDelivery(delivery) {
        acknowledger.afterBatch(delivery);
        gapRepair.afterBatch(delivery);
      },
      ...(options.nowS ? { nowS: options.nowS } : {}),
    });
    cleanups.push(() => pipeline.stop());
    const isShared = config.broker.kind === 'external';
    const filterRoot = `${isShared ? `$share/${config.sharedGroup}/` : ''}${config.topicPrefix}pet/v1/meters/+/`;
    const filters = ['sample', 'seal', 'status'].map((kind) => filterRoot + kind);
    const subscriber: MqttSubscriber = await startMqttSubscriber({
      url: brokerUrl,
      urlVariable,
      relayId: config.relayId,
      connections: isShared ? config.mqttConnections : 1,
      filters,
      formerFilters: [filterRoot + '+'],
      pipeline,
      logger: logger.child({ room: 'mqtt' }),
    });
    cleanups.push(async () => {
      subscriber.pause();
      await pipeline.stop();
      await subscriber.close();
    });

    let httpUrl: string | undefined;
    const webDoor = new URL('./web/startHttpServer.ts', import.meta.url);
    if ((options.withHttp ?? true) && existsSync(webDoor)) {
      const { startHttpServer } = (await import(webDoor.href)) as { startHttpServer: StartHttpServer };
      const http = await startHttpServer({ config, store, events, metrics, logger: logger.child({ room: 'web' }) });
      cleanups.push(() => http.close());
      httpUrl = http.url;
    }

    const retentionTimer = setInterval(() => {
      const cutoffS = Math.floor(Date.now() / 1000) - config.retentionDays * 86_400;
      runRetention(store.db, cutoffS).then(
        (result) => logger.info(result, 'retention: old samples folded into hourly rollups'),
        (error) => logger.error({ err: error }, 'retention failed'),
      );
    }, RETENTION_PERIOD_MS);
    retentionTimer.unref();
    cleanups.push(async () => clearInterval(retentionTimer));

    logger.info({ database: config.database.kind, broker: brokerUrl, filters, http: httpUrl }, 'relay started');
    let stopping: Promise<void> | undefined;
    return {
      config,
      store,
      events,
      metrics,
      logger,
      brokerUrl,
      httpUrl,
      ingestDepth: () => pipeline.depth(),
      drain: () => pipeline.drain(),
      stop() {
        stopping ??= cleanUp().then(() => logger.info('relay stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
