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

test('a zone tree: local first, the remainder up with the grid fees (the worked example of docs/trading_rules.md §Zone tree)', () => {
  const zones = { id: 'sub', level: 'substation', children: [
    { id: 'f1', level: 'feeder', children: [{ id: 'h1', level: 'house' }, { id: 'h2', level: 'house' }] },
    { id: 'f2', level: 'feeder', children: [{ id: 'h3', level: 'house' }] },
  ] };
  const ordersByZone = {
    h1: [order('A', '0xA', 'sell', 3000, 100_000), order('C', '0xC', 'buy', 1000, 300_000)],
    h2: [order('B', '0xB', 'buy', 1000, 200_000)],
    h3: [order('D', '0xD', 'buy', 1000, 250_000)],
  };
  const result = runClear(JSON.stringify({ zones, ordersByZone }), [], { PET_MINIMUM_TRADE_THRESHOLD_KWH: '0.5', PET_GRID_FEE_HOUSE_PER_KWH: '0', PET_GRID_FEE_FEEDER_PER_KWH: '0.01', PET_GRID_FEE_SUBSTATION_PER_KWH: '0.02' });
  assert.is(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.is(out.rootZoneId, 'sub');
  const traded = out.zones.filter((z: { trades: unknown[] }) => z.trades.length > 0)
    .map((z: { zoneId: string; trades: Array<{ buyOrderId: string; energyWh: number; priceMicroPerKWh: number; sellerFeeMicroPerKWh: number; buyerFeeMicro: string }> }) =>
      [z.zoneId, ...z.trades.map((t) => [t.buyOrderId, t.energyWh, t.priceMicroPerKWh, t.sellerFeeMicroPerKWh, t.buyerFeeMicro])]);
  assert.equal(traded, [
    ['h1', ['C', 1000, 200_000, 0, '0']],
    ['f1', ['B', 1000, 150_000, 10_000, '10000']],
    ['sub', ['D', 1000, 175_000, 30_000, '30000']],
  ]);
  assert.equal(out.unmatchedAtRoot, []);
  const unknownZone = runClear(JSON.stringify({ zones, ordersByZone: { h9: [] } }));
  assert.is(unknownZone.code, 2);
  assert.match(unknownZone.stderr, /unknown_zone: expected a zone of the tree, got "h9"/);
  const skipped = runClear(JSON.stringify({ zones: { id: 'sub', level: 'substation', children: [{ id: 'h', level: 'house' }] }, ordersByZone: {} }));
  assert.match(skipped.stderr, /bad_zone_level: zone\.children\[0\]\.level/);
  const dup = runClear(JSON.stringify({ zones, ordersByZone: { h1: [order('A', '0xA', 'sell', 1000, 1)], h2: [order('A', '0xB', 'buy', 1000, 1)] } }));
  assert.match(dup.stderr, /duplicate_order_id: ordersByZone\.h2: expected order ids unique across the tree/);
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
