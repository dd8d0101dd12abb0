/**
 * Validation of orders arriving as untyped values (JSON from the command line or the relay): each field is
 * checked once here, so the clearing code works on typed, valid orders only.
 */
import { MarketError } from './marketError.ts';
import { maxPriceMicroPerKWh } from '../config/tradingParameters.ts';
import { maxOrderEnergyWh, type Order } from './order.ts';

const orderFields = new Set(['id', 'participant', 'side', 'energyWh', 'limitPriceMicroPerKWh']);

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function readString(record: Record<string, unknown>, field: string, path: string): string {
  const value = record[field];
  if (value === undefined) throw new MarketError('missing_field', `expected a string, got nothing`, `${path}.${field}`);
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw new MarketError('wrong_type', `expected a string of 1…128 characters, got ${describe(value)}`, `${path}.${field}`);
  }
  return value;
}

function readInteger(record: Record<string, unknown>, field: string, path: string, min: number, max: number, unit: string): number {
  const value = record[field];
  const at = `${path}.${field}`;
  if (value === undefined) throw new MarketError('missing_field', `expected an integer (${unit}), got nothing`, at);
  if (typeof value !== 'number') throw new MarketError('wrong_type', `expected an integer (${unit}), got ${describe(value)}`, at);
  if (!Number.isInteger(value)) throw new MarketError('not_integer', `expected an integer (${unit}), got ${describe(value)}`, at);
  if (value < min || value > max) throw new MarketError('out_of_range', `expected ${min}…${max} ${unit}, got ${value}`, at);
  return value;
}

/**
 * Checks that `value` is an array of orders with unique ids and returns them typed. Throws `MarketError`.
 *
 * @example parseOrders(JSON.parse(text)) // Order[]
 */
export function parseOrders(value: unknown, path = 'orders'): Order[] {
  if (!Array.isArray(value)) throw new MarketError('not_array', `expected an array of orders, got ${describe(value)}`, path);
  const seenIds = new Set<string>();
  return value.map((item: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new MarketError('wrong_type', `expected an order object, got ${describe(item)}`, at);
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!orderFields.has(key)) throw new MarketError('unknown_field', `expected only ${[...orderFields].join(', ')}, got "${key}"`, at);
    }
    const id = readString(record, 'id', at);
    if (seenIds.has(id)) throw new MarketError('duplicate_order_id', `expected a unique order id, got ${describe(id)} twice`, `${at}.id`);
    seenIds.add(id);
    const participant = readString(record, 'participant', at);
    const side = record.side;
    if (side !== 'sell' && side !== 'buy') throw new MarketError('bad_side', `expected "sell" or "buy", got ${describe(side)}`, `${at}.side`);
    const energyWh = readInteger(record, 'energyWh', at, 1, maxOrderEnergyWh, 'Wh');
    const limitPriceMicroPerKWh = readInteger(record, 'limitPriceMicroPerKWh', at, 0, maxPriceMicroPerKWh, 'micro per kWh');
    return { id, participant, side, energyWh, limitPriceMicroPerKWh };
  });
}
