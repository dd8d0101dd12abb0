/** Runs the real command as a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function runClear(input: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, ['bin/peer-energy-trader.js', 'clear', ...args], {
    cwd: repoRoot, input, encoding: 'utf8', env: { ...process.env, ...env },
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

const order = (id: string, participant: string, side: string, energyWh: number, limitPriceMicroPerKWh: number) =>
  ({ id, participant, side, energyWh, limitPriceMicroPerKWh });

test('prints the clearing price and trades as JSON', () => {
  const orders = [
    order('s1', '0xA', 'sell', 1000, 10_000), order('s2', '0xB', 'sell', 1000, 30_000), order('s3', '0xC', 'sell', 1000, 60_000),
    order('b1', '0xD', 'buy', 1000, 70_000), order('b2', '0xE', 'buy', 1000, 40_000), order('b3', '0xF', 'buy', 1000, 20_000),
  ];
  const gsy = runClear(JSON.stringify({ orders }), ['--rule', 'gsy']);
  assert.is(gsy.code, 0, gsy.stderr);
  const out = JSON.parse(gsy.stdout);
  assert.is(out.rule, 'gsy');
  assert.is(out.clearingPriceMicroPerKWh, 40_000); // the lowest accepted bid
  assert.is(out.clearedWh, 2000);
  assert.equal(out.trades.map((t: { sellOrderId: string; buyOrderId: string; amountMicro: string }) => [t.sellOrderId, t.buyOrderId, t.amountMicro]), [['s1', 'b1', '40000'], ['s2', 'b2', '40000']]);
  const byDefault = JSON.parse(runClear(JSON.stringify(orders), ['--rule=default']).stdout);
  assert.is(byDefault.clearingPriceMicroPerKWh, 35_000); // midpoint of 30 000 and 40 000
  const highThreshold = JSON.parse(runClear(JSON.stringify(orders), [], { PET_MINIMUM_TRADE_THRESHOLD_KWH: '2' }).stdout);
  assert.is(highThreshold.clearedWh, 0);
});

test('bad input exits 2 with a specific message on stderr', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['{"orders": [', [], /malformed_json: expected JSON on stdin/],
    ['', [], /malformed_json: expected JSON on stdin, got nothing/],
    ['{"orders": 5}', [], /not_array: orders: expected an array of orders, got 5/],
    [JSON.stringify([order('a', '0xA', 'sell', 1.5, 1)]), [], /not_integer: orders\[0\]\.energyWh: expected an integer \(Wh\), got 1\.5/],
    [JSON.stringify([order('a', '0xA', 'hold', 1, 1)]), [], /bad_side: orders\[0\]\.side/],
    [JSON.stringify([order('a', '0xA', 'sell', 1, 1), order('a', '0xB', 'buy', 1, 1)]), [], /duplicate_order_id/],
    ['[]', ['--rule', 'cheapest'], /bad_rule: expected --rule default\|gsy, got "cheapest"/],
  ];
  for (const [input, args, pattern] of cases) {
    const result = runClear(input, args);
    assert.is(result.code, 2, input);
    assert.is(result.stdout, '');
    assert.match(result.stderr, pattern);
  }
  const badEnv = runClear('[]', [], { PET_MINIMUM_TRADE_THRESHOLD_KWH: 'lots' });
  assert.is(badEnv.code, 2);
  assert.match(badEnv.stderr, /PET_MINIMUM_TRADE_THRESHOLD_KWH: expected a non-negative decimal/);
});

test.run();
