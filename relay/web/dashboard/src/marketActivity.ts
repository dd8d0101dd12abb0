/**
 * Market activity as the page shows it — cleared intervals, trades, settlements — read from the relay's JSON at
 * the edge of the page. An empty list is a real state ("no market intervals yet"), never filled with examples.
 */
import type { DepthOrder } from './orderBookDepth.ts';
import { timeSecondsOf } from './zoneAggregate.ts';

/** One cleared (or failed-to-clear) interval of one zone. */
export interface ClearedInterval {
  startS: number;
  endS: number;
  /** Uniform clearing price, micro-units per kWh; undefined when the book did not cross. */
  clearingPriceMicroPerKWh: number | undefined;
  tradedWh: number;
  tradeCount: number;
  orders: DepthOrder[];
}

/** One trade, with its settlement once the chain has it. */
export interface TradeView {
  intervalStartS: number;
  seller: string;
  buyer: string;
  energyWh: number;
  priceMicroPerKWh: number;
  amountMicro: bigint;
  /** Settlement transaction hash, once sent. */
  txHash: string | undefined;
  status: string | undefined;
}

type Fields = Record<string, unknown>;
const asFields = (raw: unknown): Fields | undefined => (typeof raw === 'object' && raw !== null ? (raw as Fields) : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' && value !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;

/** Reads one interval; undefined when the object is not one. */
export function readClearedInterval(raw: unknown): ClearedInterval | undefined {
  const fields = asFields(raw);
  if (fields === undefined) return undefined;
  const startS = timeSecondsOf(fields.startS ?? fields.intervalStartS);
  const endS = timeSecondsOf(fields.endS ?? fields.intervalEndS);
  if (startS === undefined) return undefined;
  const orders = Array.isArray(fields.orders) ? fields.orders.map(readDepthOrder).filter((order) => order !== undefined) : [];
  return {
    startS,
    endS: endS ?? startS,
    clearingPriceMicroPerKWh: num(fields.clearingPriceMicroPerKWh ?? fields.priceMicroPerKWh),
    tradedWh: num(fields.tradedWh ?? fields.volumeWh) ?? 0,
    tradeCount: num(fields.tradeCount) ?? (Array.isArray(fields.trades) ? fields.trades.length : 0),
    orders,
  };
}

function readDepthOrder(raw: unknown): DepthOrder | undefined {
  const fields = asFields(raw);
  const energyWh = num(fields?.energyWh);
  const limitPriceMicroPerKWh = num(fields?.limitPriceMicroPerKWh ?? fields?.limitMicroPerKWh);
  if (fields === undefined || energyWh === undefined || limitPriceMicroPerKWh === undefined) return undefined;
  if (fields.side !== 'sell' && fields.side !== 'buy') return undefined;
  return { side: fields.side, energyWh, limitPriceMicroPerKWh };
}

/** Reads one trade; undefined when the object is not one. */
export function readTrade(raw: unknown): TradeView | undefined {
  const fields = asFields(raw);
  if (fields === undefined) return undefined;
  const energyWh = num(fields.energyWh);
  const priceMicroPerKWh = num(fields.priceMicroPerKWh ?? fields.clearingPriceMicroPerKWh);
  if (energyWh === undefined || priceMicroPerKWh === undefined) return undefined;
  let amountMicro: bigint;
  try {
    amountMicro = BigInt(String(fields.amountMicro ?? Math.floor((energyWh * priceMicroPerKWh) / 1000)));
  } catch {
    return undefined;
  }
  return {
    intervalStartS: timeSecondsOf(fields.intervalStartS ?? fields.startS) ?? 0,
    seller: String(fields.seller ?? ''),
    buyer: String(fields.buyer ?? ''),
    energyWh,
    priceMicroPerKWh,
    amountMicro,
    txHash: typeof fields.txHash === 'string' ? fields.txHash : typeof fields.settlementTx === 'string' ? fields.settlementTx : undefined,
    status: typeof fields.status === 'string' ? fields.status : undefined,
  };
}
