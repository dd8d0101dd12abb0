/**
 * `peer-energy-trader demo` (`npm start`): the whole platform on a bare machine — PGlite, aedes, anvil with the
 * contracts deployed under a Safe, the relay (`startRelay`) with its HTTP API and live feed, the market room, and
 * N simulated meters running the real firmware (even indexes prosumers with PV, odd ones consumers), every one
 * with an "auto" standing order, trading in short intervals. Ctrl-C stops everything (anvil included).
 *
 * Zones: the households sit on two feeders under one substation (`substation-1`; `demoFeederOf`): each feeder
 * clears locally and what is left trades across the substation with the grid fees; `PET_ZONE_TREE` replaces that
 * tree. The chain is deployed with the same grid fees and a grid-operator account
 * (`demoGridOperator`) that collects them.
 *
 * Time: each real interval of `--interval-seconds` stands for a 15-minute market interval of simulated time
 * (the meters' clock runs 900 / S times faster), starting at 10:00 UTC seven days ago — daylight, and in the past
 * so that no seal ends after the chain's clock (the contract refuses those).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keccak256, toBytes, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startSimulatedMeters, type SimulatedFleet } from '../../device/sim/simulatedMeters.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { parseTradingParameters, type TradingParameters } from '../../shared/config/tradingParameters.ts';
import { gridFeesPerKWhOf } from '../../relay/chain/climbFee.ts';
import { fundEscrow } from '../../relay/chain/fundEscrow.ts';
import { openChain, type ChainRoom } from '../../relay/chain/openChain.ts';
import { registerMetersOnChain } from '../../relay/chain/registerMetersOnChain.ts';
import type { SettleBatchDeps } from '../../relay/chain/settleBatchOnChain.ts';
import { readRelayConfig } from '../../relay/config/relayConfig.ts';
import { ConfigError } from '../../relay/config/configError.ts';
import { onShutdownSignal } from '../../relay/ops/shutdown.ts';
import { startMarketRoom, type MarketRoom } from '../../relay/startMarketRoom.ts';
import { startRelay, type RelayHandle } from '../../relay/startRelay.ts';
import { upsertStandingOrder } from '../../relay/store/marketQueries/standingOrders.ts';
import { registerMeter } from '../../relay/store/queries/registerMeter.ts';
import { startHttpServer } from '../../relay/web/startHttpServer.ts';
import { createZoneDirectory, type ZoneDirectory } from '../../relay/market/zoneDirectory.ts';
import type { ZoneNode } from '../../shared/market/zoneTree.ts';

export const summary = 'run everything on this machine: relay, anvil with the contracts, market, and simulated meters trading';

/** Simulated seconds of one market interval in the demo. */
export const DEMO_MARKET_INTERVAL_S = 900;
export const DEMO_SUBSTATION = 'substation-1';

/** The demo's grid-operator ledger account (a fixed address; nobody holds its key). */
export const demoGridOperator = privateKeyToAccount(keccak256(toBytes('peer-energy-trader/demo-grid-operator')) as Hex).address;

/** The demo's zone tree: one substation over the households' feeders, in order. */
export function demoZoneForest(households: readonly DemoHousehold[]): ZoneNode[] {
  const feeders = [...new Set(households.map((h) => h.zone))];
  return [{ id: DEMO_SUBSTATION, level: 'substation', children: feeders.map((id) => ({ id, level: 'feeder' as const })) }];
}
const NAMEPLATE_W = 6000;

/** A demo household: its meter, the account that owns it, its zone. */
export interface DemoHousehold {
  index: number;
  meter: string;
  owner: string;
  zone: string;
  isProsumer: boolean;
}

/** Deterministic demo households (owner keys derived like the meters' demo keys; never for real use). */
/**
 * The demo's two feeders: of every four households (even indexes prosumers), three — two prosumers and a consumer —
 * on `feeder-1`, the fourth, a consumer, on `feeder-2`; so feeder-1 has surplus to send across the substation.
 */
export const demoFeederOf = (index: number): string => (index % 4 === 3 ? 'feeder-2' : 'feeder-1');

export function demoHouseholds(count: number, seed = 'demo', zoneOf: (index: number) => string = demoFeederOf): DemoHousehold[] {
  return Array.from({ length: count }, (_, index) => {
    const ownerKey = keccak256(toBytes(`peer-energy-trader/demo-owner/${seed}/${index}`)) as Hex;
    return {
      index,
      meter: deriveMeterKey(seed, index).address,
      owner: privateKeyToAccount(ownerKey).address.toLowerCase(),
      zone: zoneOf(index),
      isProsumer: index % 2 === 0,
    };
  });
}

export interface StartDemoOptions {
  meters: number;
  /** Real seconds per market interval. */
  intervalSeconds: number;
  /** HTTP port (0: any free port). */
  httpPort: number;
  dataDir: string;
  /** Simulated market interval (default 900 s). */
  marketIntervalS?: number;
  /** MINIMUM_TRADE_THRESHOLD for the demo, kWh as text (default "0.05": short intervals carry little energy). */
  minimumTradeKWh?: string;
  logLevel?: 'silent' | 'info' | 'warn' | 'error';
  /** An existing chain (tests keep one across relay restarts); default: start anvil in `dataDir`. */
  chain?: ChainRoom;
  /** An existing fleet (tests keep meters running across relay restarts). */
  fleet?: SimulatedFleet;
  /** Fixed embedded broker port (meters reconnect to it after a relay restart). */
  mqttPort?: number;
  /** Simulated start, Unix seconds (default 10:00 UTC seven days ago). */
  startTimeS?: number;
  hooks?: Pick<SettleBatchDeps, 'beforeBroadcast' | 'afterBroadcast'>;
  /** How long `stop()` waits for a running market round (default 10 s). */
  stopWaitMs?: number;
  /** Deposit per top-up of a buyer's escrow, micro-units (default 1 000 tokens). */
  topUpMicro?: bigint;
  /** The feeder of household `index` (even indexes are prosumers); default `demoFeederOf`. */
  zoneOfHousehold?: (index: number) => string;
}

export interface DemoHandle {
  relay: RelayHandle;
  chain: ChainRoom;
  market: MarketRoom;
  fleet: SimulatedFleet;
  households: DemoHousehold[];
  /** The zone tree the market clears (`PET_ZONE_TREE`, or `demoZoneForest`). */
  zones: ZoneDirectory;
  params: TradingParameters;
  httpUrl: string;
  /** Deposits made by the demo, per account (micro-units). */
  depositsMicro: Map<string, bigint>;
  /** Stops market, HTTP, relay; then the fleet and the chain unless they were passed in. */
  stop(): Promise<void>;
}

function defaultStartTimeS(): number {
  const dayS = 86_400;
  return Math.floor(Date.now() / 1000 / dayS) * dayS - 7 * dayS + 10 * 3600;
}

/** Starts the demo stack; see the module comment. */
export async function startDemo(options: StartDemoOptions): Promise<DemoHandle> {
  const marketIntervalS = options.marketIntervalS ?? DEMO_MARKET_INTERVAL_S;
  const speed = marketIntervalS / options.intervalSeconds;
  const startTimeS = options.startTimeS ?? defaultStartTimeS();
  const params = parseTradingParameters({
    ...process.env,
    PET_INTERVAL_SECONDS: String(marketIntervalS),
    PET_MINIMUM_TRADE_THRESHOLD_KWH: process.env.PET_MINIMUM_TRADE_THRESHOLD_KWH ?? options.minimumTradeKWh ?? '0.05',
  });
  const households = demoHouseholds(options.meters, 'demo', options.zoneOfHousehold);
  let simulatedNowS: () => number = () => startTimeS;
  const config = readRelayConfig({
    ...process.env,
    PET_DATA_DIR: process.env.DATABASE_URL ? undefined : join(options.dataDir, 'pglite'),
    PET_MQTT_PORT: process.env.MQTT_URL ? undefined : String(options.mqttPort ?? 0),
    PET_HTTP_PORT: String(options.httpPort),
    PET_LOG_LEVEL: options.logLevel ?? process.env.PET_LOG_LEVEL ?? 'warn',
    PET_VERIFY_WORKERS: process.env.PET_VERIFY_WORKERS ?? '1',
  });
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const relay = await startRelay({ config, withHttp: false, nowS: () => Math.floor(simulatedNowS()), withProcessMetrics: false });
    cleanups.push(() => relay.stop());
    const zones = createZoneDirectory(config.zoneForest.length > 0 ? config.zoneForest : demoZoneForest(households));
    const http = await startHttpServer({ config, store: relay.store, events: relay.events, metrics: relay.metrics, logger: relay.logger, chainZoneOf: zones.chainZoneOf });
    cleanups.push(() => http.close());
    const chain = options.chain ?? (await openChain({ db: relay.store.db, rpcUrl: process.env.RPC_URL || undefined, relayKey: (process.env.PET_CHAIN_KEY as Hex | undefined) || undefined, dataDir: join(options.dataDir, 'chain'), ...demoChainFees(params) }));
    if (options.chain === undefined) cleanups.push(() => chain.stop());

    for (const household of households) {
      await registerMeter(relay.store.db, { address: household.meter, zone: household.zone, ownerAddress: household.owner, technology: household.isProsumer ? 'solar' : undefined, nameplateW: NAMEPLATE_W });
      await upsertStandingOrder(relay.store.db, household.meter, { participant: household.owner, sell: { kind: 'auto' }, buy: { kind: 'auto' }, nameplatePowerW: NAMEPLATE_W }, 'default');
    }
    await registerMetersOnChain(
      chain.clients,
      chain.addresses.meterRegistry,
      households.map((h) => ({ address: h.meter, owner: h.owner, zone: h.zone, nameplateW: NAMEPLATE_W, technology: h.isProsumer ? 1 : 0 })),
      zones.chainZoneOf,
    );

    const depositsMicro = new Map<string, bigint>();
    const isDevelopmentChain = chain.anvil !== undefined || chain.clients.chain.id === 31337;
    const topUpMicro = options.topUpMicro ?? 1_000_000_000n;
    const topUpEscrow = isDevelopmentChain
      ? async (buyer: string, missingMicro: bigint) => {
          const amount = missingMicro > topUpMicro ? missingMicro : topUpMicro;
          await fundEscrow(chain.clients, chain.addresses.settlementToken, chain.addresses.tradingMarketplace, buyer, amount);
          depositsMicro.set(buyer, (depositsMicro.get(buyer) ?? 0n) + amount);
        }
      : undefined;

    const fleet =
      options.fleet ??
      (await startSimulatedMeters({ meters: options.meters, brokerUrl: relay.brokerUrl, speed, intervalSeconds: marketIntervalS, sampleSeconds: 30, startTimeS, samplePairsPerBurst: 40, burstPeriodMs: 5000 }));
    if (options.fleet === undefined) cleanups.push(() => fleet.stop());
    simulatedNowS = fleet.clock.nowS;

    const market = await startMarketRoom({
      db: relay.store.db,
      logger: relay.logger,
      params,
      relayId: config.relayId,
      nowS: fleet.clock.nowS,
      feed: http.feed,
      brokerUrl: relay.brokerUrl,
      topicPrefix: config.topicPrefix,
      zones,
      metrics: relay.metrics.registry,
      chain: { clients: chain.clients, addresses: chain.addresses, ...(topUpEscrow ? { topUpEscrow } : {}), ...(options.hooks ?? {}) },
    });
    cleanups.push(() => market.stop(options.stopWaitMs));
    let stopping: Promise<void> | undefined;
    return { relay, chain, market, fleet, households, zones, params, httpUrl: http.url, depositsMicro, stop: () => (stopping ??= cleanUp()) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The chain settles with the grid fees the market clears with, paid to `demoGridOperator`. */
export function demoChainFees(params: TradingParameters): { gridFeesPerKWh: { house: bigint; feeder: bigint; substation: bigint }; gridOperator: `0x${string}` } {
  return { gridFeesPerKWh: gridFeesPerKWhOf(params), gridOperator: demoGridOperator };
}

function positiveInteger(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new ConfigError('invalid_setting', `--${name}`, `expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { meters: { type: 'string' }, 'interval-seconds': { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`peer-energy-trader demo: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: peer-energy-trader demo [--meters N (20)] [--interval-seconds S (30)] [--port P (8080)] [--data-dir DIR]\n');
    return 0;
  }
  let demo: DemoHandle;
  try {
    const meters = positiveInteger('meters', values.meters, 20, 2);
    const intervalSeconds = positiveInteger('interval-seconds', values['interval-seconds'], 30, 5);
    const httpPort = positiveInteger('port', values.port, Number(process.env.PET_HTTP_PORT ?? 8080), 0);
    const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'pet-demo-'));
    process.stdout.write(`starting: ${meters} meters, ${intervalSeconds} s intervals (15 simulated minutes each), data in ${dataDir} …\n`);
    demo = await startDemo({ meters, intervalSeconds, httpPort, dataDir });
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code !== undefined) {
      process.stderr.write(`peer-energy-trader demo: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  const zones = demo.zones.forest.map(function describe(zone): string {
    return zone.children === undefined || zone.children.length === 0 ? zone.id : `${zone.id} (${zone.children.map(describe).join(', ')})`;
  });
  process.stdout.write(
    [
      `dashboard: ${demo.httpUrl}/`,
      `chain: ${demo.chain.rpcUrl} (marketplace ${demo.chain.addresses.tradingMarketplace}, admin Safe ${demo.chain.addresses.safe})`,
      `zones: ${zones.join(', ')}; meters publish to ${demo.relay.brokerUrl}`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let reported = { intervals: 0, trades: 0, confirmed: 0 };
  const progress = setInterval(() => {
    const s = demo.market.stats;
    if (s.intervalsCleared === reported.intervals && s.batchesConfirmed === reported.confirmed) return;
    const gas = s.settlementGas.reduce((sum, g) => sum + g.gasUsed, 0n);
    const settledTrades = s.settlementGas.reduce((sum, g) => sum + g.tradeCount, 0);
    process.stdout.write(`cleared ${s.intervalsCleared} zone-intervals, ${s.trades} trades matched; ${s.batchesConfirmed} batches settled on-chain${settledTrades > 0 ? `, ${gas / BigInt(settledTrades)} gas per trade` : ''}\n`);
    reported = { intervals: s.intervalsCleared, trades: s.trades, confirmed: s.batchesConfirmed };
  }, 2000);
  const shutdown = onShutdownSignal(async () => {
    clearInterval(progress);
    await demo.stop();
  }, demo.relay.logger);
  await shutdown.stopped;
  shutdown.remove();
  process.stdout.write('stopped.\n');
  return 0;
}
