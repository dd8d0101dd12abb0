/**
 * `peer-energy-trader clear [--rule default|gsy] [--zone ID]`: clears one zone's interval. Reads the orders as
 * JSON on stdin (an array of orders, or `{ "orders": [...] }`), prints the clearing as JSON on stdout. The input
 * and output formats are in `docs/trading_rules.md` §The clear command. Bad input: a message with a stable code
 * on stderr, exit code 2. The minimum trade threshold comes from `PET_MINIMUM_TRADE_THRESHOLD_KWH`.
 */
import { ConfigError } from '../../shared/config/configError.ts';
import { parseTradingParameters } from '../../shared/config/tradingParameters.ts';
import { clearOrders } from '../../shared/market/clearZone.ts';
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
      trades: result.trades.map((t) => ({
        sellOrderId: t.sellOrderId,
        buyOrderId: t.buyOrderId,
        seller: t.seller,
        buyer: t.buyer,
        energyWh: t.energyWh,
        priceMicroPerKWh: t.priceMicroPerKWh,
        amountMicro: t.amountMicro.toString(),
      })),
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
