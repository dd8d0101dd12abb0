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

/** Whether `key` is one of `orderFields` (literal comparisons: cheaper than a Set lookup per key). */
function isOrderField(key: string): boolean {
  return key === 'id' || key === 'participant' || key === 'side' || key === 'energyWh' || key === 'limitPriceMicroPerKWh';
}

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const isFieldString = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 128;

/**
 * One order. Each field is checked inline; only a field that fails goes through `readString` / `readInteger`,
 * which throw the refusal — so a valid order builds no path string (`orders[12]`) and no message.
 */
function parseOrder(item: unknown, index: number, path: string, seenIds: Set<string>): Order {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new MarketError('wrong_type', `expected an order object, got ${describe(item)}`, `${path}[${index}]`);
  }
  const record = item as Record<string, unknown>;
  // for…in lists the own keys first, in Object.keys order, without making an array of them per order; inherited
  // keys (none, for parsed JSON) are skipped by the own-property check, which only an unknown key reaches.
  for (const key in record) {
    if (!isOrderField(key) && Object.hasOwn(record, key)) {
      throw new MarketError('unknown_field', `expected only ${[...orderFields].join(', ')}, got "${key}"`, `${path}[${index}]`);
    }
  }
  const id = isFieldString(record.id) ? record.id : readString(record, 'id', `${path}[${index}]`);
  if (seenIds.has(id)) throw new MarketError('duplicate_order_id', `expected a unique order id, got ${describe(id)} twice`, `${path}[${index}].id`);
  seenIds.add(id);
  const participant = isFieldString(record.participant) ? record.participant : readString(record, 'participant', `${path}[${index}]`);
  const side = record.side;
  if (side !== 'sell' && side !== 'buy') throw new MarketError('bad_side', `expected "sell" or "buy", got ${describe(side)}`, `${path}[${index}].side`);
  const energyWh = isIntegerIn(record.energyWh, 1, maxOrderEnergyWh)
    ? record.energyWh
    : readInteger(record, 'energyWh', `${path}[${index}]`, 1, maxOrderEnergyWh, 'Wh');
  const limitPriceMicroPerKWh = isIntegerIn(record.limitPriceMicroPerKWh, 0, maxPriceMicroPerKWh)
    ? record.limitPriceMicroPerKWh
    : readInteger(record, 'limitPriceMicroPerKWh', `${path}[${index}]`, 0, maxPriceMicroPerKWh, 'micro per kWh');
  return { id, participant, side, energyWh, limitPriceMicroPerKWh };
}

/**
 * Checks that `value` is an array of orders with unique ids and returns them typed. Throws `MarketError`.
 *
 * @example parseOrders(JSON.parse(text)) // Order[]
 */
export function parseOrders(value: unknown, path = 'orders'): Order[] {
  if (!Array.isArray(value)) throw new MarketError('not_array', `expected an array of orders, got ${describe(value)}`, path);
  const seenIds = new Set<string>();
  return value.map((item: unknown, index) => parseOrder(item, index, path, seenIds));
}
