/**
 * The simulation scenario file (JSON), documented in `docs/trading_rules.md` §Simulation:
 *
 * {
 *   "name": "…",
 *   "priceRule": "default" | "gsy",                       optional, default "default"
 *   "orderSizing": "actual" | "forecast",                 optional, default "actual" (perfect foresight)
 *   "feedInTariffPerKWh": "0.05",                         token (USD) per kWh; retail comes from pricing.csv
 *   "connectionKW": 10,                                   optional nameplate cap of every home, default 10
 *   "parameters": { "PET_MINIMUM_TRADE_THRESHOLD_KWH": "0.5", … },   optional, as the environment variables
 *   "substation": "substation-1",                         id of the root zone
 *   "feeders": [ { "id": "feeder-a", "limitKW": 30, "homes": ["Building_1", …] }, … ],
 *   "pvKWp": { "Building_1": 4, … },                      homes with PV and their size; others have none
 *   "standingOrders": { "Building_1": { "sell": "auto" | { "minPricePerKWh": "0.08" }, "buy": "auto" | { "maxPricePerKWh": "0.30" } } }
 * }                                                       optional; a home not listed sells and buys "auto"
 */
import { parseScaledDecimal } from '../../shared/config/parseScaledDecimal.ts';
import type { ClearingPriceRule } from '../../shared/market/clearingPriceRule.ts';
import type { StandingPrice } from '../../shared/forecast/sizeOrder.ts';

/** A validated scenario. */
export interface Scenario {
  readonly name: string;
  readonly priceRule: ClearingPriceRule;
  readonly orderSizing: 'actual' | 'forecast';
  readonly feedInTariffMicroPerKWh: number;
  readonly connectionW: number;
  readonly parameters: Readonly<Record<string, string>>;
  readonly substationId: string;
  readonly feeders: ReadonlyArray<{ readonly id: string; readonly limitW: number | undefined; readonly homes: readonly string[] }>;
  readonly pvWp: ReadonlyMap<string, number>;
  readonly standingOrders: ReadonlyMap<string, { readonly sell: StandingPrice; readonly buy: StandingPrice }>;
}

/** A scenario field that is missing or wrong; `path` names it. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code = 'bad_scenario';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function money(value: unknown, path: string): number {
  const scaled = typeof value === 'string' ? parseScaledDecimal(value, 6) : 'not_decimal';
  if (typeof scaled !== 'bigint' || scaled > 1_000_000_000n) throw new ScenarioError(path, `expected a decimal string of token per kWh like "0.05", got ${JSON.stringify(value)}`);
  return Number(scaled);
}

function positiveNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > 1e6) throw new ScenarioError(path, `expected a positive number, got ${JSON.stringify(value)}`);
  return value;
}

function standingPrice(value: unknown, key: 'minPricePerKWh' | 'maxPricePerKWh', path: string): StandingPrice {
  if (value === undefined || value === 'auto') return { kind: 'auto' };
  if (isRecord(value) && key in value) return { kind: 'limit', priceMicroPerKWh: money(value[key], `${path}.${key}`) };
  throw new ScenarioError(path, `expected "auto" or { "${key}": "0.12" }, got ${JSON.stringify(value)}`);
}

/** Validates a parsed scenario JSON value. */
export function parseScenario(value: unknown): Scenario {
  if (!isRecord(value)) throw new ScenarioError('scenario', `expected an object, got ${JSON.stringify(value)}`);
  const name = typeof value.name === 'string' ? value.name : 'scenario';
  const priceRule = value.priceRule ?? 'default';
  if (priceRule !== 'default' && priceRule !== 'gsy') throw new ScenarioError('priceRule', `expected "default" or "gsy", got ${JSON.stringify(priceRule)}`);
  const orderSizing = value.orderSizing ?? 'actual';
  if (orderSizing !== 'actual' && orderSizing !== 'forecast') throw new ScenarioError('orderSizing', `expected "actual" or "forecast", got ${JSON.stringify(orderSizing)}`);
  const parameters: Record<string, string> = {};
  if (value.parameters !== undefined) {
    if (!isRecord(value.parameters)) throw new ScenarioError('parameters', 'expected an object of PET_* variables');
    for (const [key, text] of Object.entries(value.parameters)) {
      if (typeof text !== 'string') throw new ScenarioError(`parameters.${key}`, `expected a string, got ${JSON.stringify(text)}`);
      parameters[key] = text;
    }
  }
  if (typeof value.substation !== 'string' || value.substation === '') throw new ScenarioError('substation', 'expected a zone id string');
  if (!Array.isArray(value.feeders) || value.feeders.length === 0) throw new ScenarioError('feeders', 'expected a non-empty array');
  const seenHomes = new Set<string>();
  const feeders = value.feeders.map((feeder: unknown, f) => {
    const path = `feeders[${f}]`;
    if (!isRecord(feeder) || typeof feeder.id !== 'string' || !Array.isArray(feeder.homes)) {
      throw new ScenarioError(path, 'expected { "id": "…", "homes": ["Building_1", …], "limitKW"?: 30 }');
    }
    const homes = feeder.homes.map((home: unknown, h) => {
      if (typeof home !== 'string' || !/^Building_\d+$/.test(home)) throw new ScenarioError(`${path}.homes[${h}]`, `expected "Building_N", got ${JSON.stringify(home)}`);
      if (seenHomes.has(home)) throw new ScenarioError(`${path}.homes[${h}]`, `expected each home once, got "${home}" again`);
      seenHomes.add(home);
      return home;
    });
    const limitW = feeder.limitKW === undefined ? undefined : Math.round(positiveNumber(feeder.limitKW, `${path}.limitKW`) * 1000);
    return { id: feeder.id, limitW, homes };
  });
  const pvWp = new Map<string, number>();
  if (value.pvKWp !== undefined) {
    if (!isRecord(value.pvKWp)) throw new ScenarioError('pvKWp', 'expected an object of home → kWp');
    for (const [home, kWp] of Object.entries(value.pvKWp)) {
      if (!seenHomes.has(home)) throw new ScenarioError(`pvKWp.${home}`, 'expected a home listed in a feeder');
      pvWp.set(home, Math.round(positiveNumber(kWp, `pvKWp.${home}`) * 1000));
    }
  }
  const standingOrders = new Map<string, { sell: StandingPrice; buy: StandingPrice }>();
  for (const home of seenHomes) standingOrders.set(home, { sell: { kind: 'auto' }, buy: { kind: 'auto' } });
  if (value.standingOrders !== undefined) {
    if (!isRecord(value.standingOrders)) throw new ScenarioError('standingOrders', 'expected an object of home → { sell, buy }');
    for (const [home, order] of Object.entries(value.standingOrders)) {
      if (!seenHomes.has(home) || !isRecord(order)) throw new ScenarioError(`standingOrders.${home}`, 'expected a listed home with { "sell"?, "buy"? }');
      standingOrders.set(home, {
        sell: standingPrice(order.sell, 'minPricePerKWh', `standingOrders.${home}.sell`),
        buy: standingPrice(order.buy, 'maxPricePerKWh', `standingOrders.${home}.buy`),
      });
    }
  }
  return {
    name,
    priceRule,
    orderSizing,
    feedInTariffMicroPerKWh: money(value.feedInTariffPerKWh, 'feedInTariffPerKWh'),
    connectionW: Math.round(positiveNumber(value.connectionKW ?? 10, 'connectionKW') * 1000),
    parameters,
    substationId: value.substation,
    feeders,
    pvWp,
    standingOrders,
  };
}
