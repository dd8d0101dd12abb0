/**
 * `peer-energy-trader relay`: runs the relay until SIGINT/SIGTERM. Settings come from the environment
 * (`relay/config/relayConfig.ts`): `DATABASE_URL` (else PGlite in `PET_DATA_DIR`), `MQTT_URL` (else an embedded
 * broker on `PET_MQTT_PORT`), `PET_HTTP_PORT`, … A setting that cannot work prints one line naming the variable.
 * With `PET_MARKET=clear|settle` (`relay/config/marketConfig.ts`) it also runs the market room: every zone tree
 * (`PET_ZONE_TREE`) cleared per interval and, with `settle`, settled on-chain.
 */
import { dirname, join } from 'node:path';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { ConfigError as TradingConfigError } from '../../shared/config/configError.ts';
import { privateKeyToAccount } from 'viem/accounts';
import { anvilDevelopmentAccounts } from '../../relay/chain/chainAccounts.ts';
import { gridFeesPerKWhOf } from '../../relay/chain/climbFee.ts';
import { ChainError } from '../../relay/chain/chainError.ts';
import { openChain, type ChainRoom } from '../../relay/chain/openChain.ts';
import { ConfigError } from '../../relay/config/configError.ts';
import { readMarketConfig } from '../../relay/config/marketConfig.ts';
import { readRelayConfig } from '../../relay/config/relayConfig.ts';
import { createZoneDirectory } from '../../relay/market/zoneDirectory.ts';
import { onShutdownSignal } from '../../relay/ops/shutdown.ts';
import { startMarketRoom, type MarketRoom } from '../../relay/startMarketRoom.ts';
import { startRelay, type RelayHandle } from '../../relay/startRelay.ts';
import { startHttpServer } from '../../relay/web/startHttpServer.ts';

export const summary = 'run the relay: MQTT ingest, verification, storage, HTTP API and live feed; with PET_MARKET the market too';

const environment = [
  'DATABASE_URL, PET_DATA_DIR, MQTT_URL, PET_MQTT_PORT, PET_HTTP_PORT, PET_RELAY_ID,',
  'PET_MQTT_GROUP, PET_MQTT_CONNECTIONS, PET_TOPIC_PREFIX, PET_DB_SCHEMA, PET_QUEUE_MAX, PET_BATCH_MAX,',
  'PET_VERIFY_WORKERS, PET_CLOCK_SKEW_S, PET_RETENTION_DAYS, PET_UNKNOWN_METERS, PET_LOG_LEVEL,',
  'PET_MARKET (off | clear | settle), PET_ZONE_TREE, the trading parameters (PET_INTERVAL_SECONDS, tariffs, …),',
  'and with PET_MARKET=settle: RPC_URL, PET_CHAIN_KEY, PET_CHAIN_ADDRESSES',
];

/** What runs besides the relay when the market is on; stopped in reverse order. */
interface MarketParts {
  market: MarketRoom;
  closeHttp: () => Promise<void>;
  chain: ChainRoom | undefined;
}

async function startMarket(relay: RelayHandle, env: NodeJS.ProcessEnv): Promise<MarketParts | undefined> {
  const marketConfig = readMarketConfig(env);
  if (marketConfig.mode === 'off') return undefined;
  const params = parseTradingParameters(env);
  const { config, store } = relay;
  // The market publishes to the live feed, so the web room starts here (startRelay was told not to).
  const http = await startHttpServer({ config, store, events: relay.events, metrics: relay.metrics, logger: relay.logger });
  let chain: ChainRoom | undefined;
  try {
    if (marketConfig.mode === 'settle') {
      if (marketConfig.rpcUrl === undefined) relay.logger.warn('PET_MARKET=settle without RPC_URL: settling on a local anvil with development keys');
      chain = await openChain({
        db: store.db,
        rpcUrl: marketConfig.rpcUrl,
        relayKey: marketConfig.chainKey,
        ...(marketConfig.addresses === undefined
          ? {
              dataDir: join(config.database.kind === 'pglite' ? dirname(config.database.dataDir) : '.data', 'chain'),
              // The local chain charges the grid fees the market clears with, to the development treasury.
              gridFeesPerKWh: gridFeesPerKWhOf(params),
              gridOperator: privateKeyToAccount(anvilDevelopmentAccounts.treasuryKey).address,
            }
          : { addresses: marketConfig.addresses, deployIfMissing: false }),
      });
    }
    const market = await startMarketRoom({
      db: store.db,
      logger: relay.logger,
      params,
      relayId: config.relayId,
      feed: http.feed,
      brokerUrl: relay.brokerUrl,
      topicPrefix: config.topicPrefix,
      zones: createZoneDirectory(config.zoneForest),
      metrics: relay.metrics.registry,
      ...(chain === undefined ? {} : { chain: { clients: chain.clients, addresses: chain.addresses } }),
    });
    relay.logger.info({ mode: marketConfig.mode, intervalSeconds: params.intervalSeconds, trees: config.zoneForest.map((root) => root.id), http: http.url }, 'market room started');
    return { market, closeHttp: () => http.close(), chain };
  } catch (error) {
    await chain?.stop();
    await http.close();
    throw error;
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: peer-energy-trader relay\n\nEnvironment: ${environment.join('\n')}\n`);
    return 0;
  }
  let relay: RelayHandle | undefined;
  let market: MarketParts | undefined;
  try {
    const config = readRelayConfig(process.env);
    const withMarket = readMarketConfig(process.env).mode !== 'off';
    if (withMarket) parseTradingParameters(process.env); // refuse a bad parameter before anything starts
    relay = await startRelay({ config, withHttp: !withMarket });
    market = await startMarket(relay, process.env);
  } catch (error) {
    // Every start-up refusal carries a stable code (config, chain, deployment): one line, not a stack trace.
    if (error instanceof ConfigError || error instanceof TradingConfigError || error instanceof ChainError || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string')) {
      process.stderr.write(`peer-energy-trader relay: ${(error as Error).message}\n`);
      await relay?.stop();
      return 1;
    }
    throw error;
  }
  const running = relay;
  const shutdown = onShutdownSignal(async () => {
    if (market !== undefined) {
      await market.market.stop();
      await market.closeHttp();
    }
    await running.stop();
    await market?.chain?.stop();
  }, running.logger);
  await shutdown.stopped;
  shutdown.remove();
  return 0;
}
