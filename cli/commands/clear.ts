/**
 * `peer-energy-trader clear [--rule default|gsy] [--zone ID]`: clears one zone's interval, or a whole zone tree's.
 * Reads the orders as JSON on stdin (an array of orders, or `{ "orders": [...] }`; for a tree
 * `{ "zones": tree, "ordersByZone": { zoneId: [...] } }`), prints the clearing as JSON on stdout. The input and
 * output formats are in `docs/trading_rules.md` §The clear command. Bad input: a message with a stable code on
 * stderr, exit code 2. The threshold, grid fees and deviation come from the `PET_*` trading variables.
 */
import { ConfigError } from '../../shared/config/configError.ts';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { clearOrders } from '../../shared/market/clearZone.ts';
import { clearZoneTree } from '../../shared/market/clearZoneTree.ts';
import type { Order } from '../../shared/market/order.ts';
import { parseZoneForest } from '../../shared/market/parseZoneForest.ts';
import type { Trade } from '../../shared/market/trade.ts';
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import { clearingPriceRules, type ClearingPriceRule } from '../../shared/market/clearingPriceRule.ts';
import { MarketError } from '../../shared/market/marketError.ts';
import { parseOrders } from '../../shared/market/parseOrders.ts';

export const summary = 'clear one zone interval: orders as JSON on stdin → clearing price and trades as JSON';

const maxInputBytes = 64 * 1024 * 1024;
const usage = 'usage: peer-energy-trader clear [--rule default|gsy] [--zone ID] < orders.json';

class UsageError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxInputBytes) throw new UsageError('input_too_large', `expected at most ${maxInputBytes} bytes on stdin, got more`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseArguments(argv: string[]): { rule: ClearingPriceRule; zoneId: string } {
  let rule: ClearingPriceRule = 'default';
  let zoneId = 'zone';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[i + 1];
    if (name === '--rule' || name === '--zone') {
      if (value === undefined) throw new UsageError('missing_value', `expected a value after ${name}, got nothing`);
      if (inline === undefined) i += 1;
      if (name === '--rule') {
        if (!(clearingPriceRules as readonly string[]).includes(value)) {
          throw new UsageError('bad_rule', `expected --rule ${clearingPriceRules.join('|')}, got "${value}"`);
        }
        rule = value as ClearingPriceRule;
      } else {
        zoneId = value;
      }
    } else {
      throw new UsageError('unknown_option', `expected --rule or --zone, got "${arg}"`);
    }
  }
  return { rule, zoneId };
}

const tradeJson = (t: Trade) => ({
  sellOrderId: t.sellOrderId,
  buyOrderId: t.buyOrderId,
  seller: t.seller,
  buyer: t.buyer,
  energyWh: t.energyWh,
  priceMicroPerKWh: t.priceMicroPerKWh,
  amountMicro: t.amountMicro.toString(),
});

/** `{ "zones": tree, "ordersByZone": { … } }`: the whole tree, local first, the remainder up with grid fees. */
function clearTreeInput(input: Record<string, unknown>, rule: ClearingPriceRule, params: TradingParameters): unknown {
  const roots = parseZoneForest(input.zones);
  if (roots.length !== 1) throw new UsageError('one_root', `expected one root zone in "zones", got ${roots.length}`);
  const root = roots[0]!;
  const byZone = input.ordersByZone ?? {};
  if (typeof byZone !== 'object' || byZone === null || Array.isArray(byZone)) throw new MarketError('wrong_type', 'expected an object of order arrays by zone id', 'ordersByZone');
  const ordersByZone = new Map<string, readonly Order[]>();
  const seenIds = new Set<string>();
  for (const [zoneId, list] of Object.entries(byZone)) {
    const orders = parseOrders(list, `ordersByZone.${zoneId}`);
    for (const order of orders) {
      if (seenIds.has(order.id)) throw new MarketError('duplicate_order_id', `expected order ids unique across the tree, got "${order.id}" twice`, `ordersByZone.${zoneId}`);
      seenIds.add(order.id);
    }
    ordersByZone.set(zoneId, orders);
  }
  const result = clearZoneTree(root, ordersByZone, {
    rule,
    minimumTradeThresholdWh: params.minimumTradeThresholdWh,
    maximumLocalGridDeviationBps: params.maximumLocalGridDeviationBps,
    gridFeeMicroPerKWh: params.gridFeeMicroPerKWh,
  });
  const entryJson = (e: { order: Order; energyWh: number }) => ({ orderId: e.order.id, side: e.order.side, energyWh: e.energyWh });
  return {
    rootZoneId: root.id,
    rule,
    minimumTradeThresholdWh: params.minimumTradeThresholdWh,
    maximumLocalGridDeviationBps: params.maximumLocalGridDeviationBps,
    gridFeeMicroPerKWh: params.gridFeeMicroPerKWh,
    zones: result.zones.map((zone) => ({
      zoneId: zone.zoneId,
      clearingPriceMicroPerKWh: zone.clearingPriceMicroPerKWh,
      clearedWh: zone.clearedWh,
      trades: zone.trades.map((t) => ({
        ...tradeJson(t),
        sellerFeeMicroPerKWh: t.sellerFeeMicroPerKWh,
        buyerFeeMicroPerKWh: t.buyerFeeMicroPerKWh,
        sellerFeeMicro: t.sellerFeeMicro.toString(),
        buyerFeeMicro: t.buyerFeeMicro.toString(),
      })),
      netted: zone.netted,
    })),
    unmatchedAtRoot: result.unmatchedAtRoot.map(entryJson),
    curtailed: result.curtailed.map(({ zoneId, entries }) => ({ zoneId, entries: entries.map(entryJson) })),
  };
}

/**
 * Runs the command; resolves to the exit code (0, or 2 on bad input). The printed JSON writes bigint amounts as
 * decimal strings.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    const { rule, zoneId } = parseArguments(argv);
    const params = parseTradingParameters(process.env);
    const text = await readStdin();
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new UsageError('malformed_json', `expected JSON on stdin, got ${text.trim() === '' ? 'nothing' : `invalid JSON (${(error as Error).message})`}`);
    }
    if (typeof input === 'object' && input !== null && !Array.isArray(input) && 'zones' in input) {
      process.stdout.write(JSON.stringify(clearTreeInput(input as Record<string, unknown>, rule, params), null, 2) + '\n');
      return 0;
    }
    const orderList = typeof input === 'object' && input !== null && !Array.isArray(input) && 'orders' in input
      ? (input as { orders: unknown }).orders
      : input;
    const orders = parseOrders(orderList);
    const result = clearOrders(orders, { zoneId, rule, minimumTradeThresholdWh: params.minimumTradeThresholdWh });
    const output = {
      zoneId,
      rule,
      minimumTradeThresholdWh: params.minimumTradeThresholdWh,
      clearingPriceMicroPerKWh: result.clearingPriceMicroPerKWh,
      clearedWh: result.clearedWh,
      trades: result.trades.map(tradeJson),
      netted: result.netted,
      unmatched: result.remainders.map((r) => ({ orderId: r.order.id, side: r.order.side, energyWh: r.energyWh })),
    };
    process.stdout.write(JSON.stringify(output, null, 2) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof MarketError || error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`peer-energy-trader clear: ${error.code}: ${error.message}\n`);
      if (error instanceof UsageError && error.code !== 'malformed_json') process.stderr.write(`${usage}\n`);
      return 2;
    }
    throw error;
  }
}
