/**
 * The committed `abis.ts` matches the contracts as they compile now. Runs `forge build` first (cached: about a
 * second when nothing changed, ~30 s for a full solcjs compile).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ABIS_MODULE_PATH, REPO_ROOT, renderAbisModule } from './generateAbis.ts';
import { safeProxyFactoryAbi, tradingMarketplaceAbi } from './abis.ts';

test('committed abis.ts is what generateAbis.ts renders from the current forge build', () => {
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'forge.js'), 'build'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.is(build.status, 0, `forge build failed:\n${build.stdout}\n${build.stderr}`);
  const committed = readFileSync(ABIS_MODULE_PATH, 'utf8');
  const rendered = renderAbisModule();
  assert.ok(
    committed === rendered,
    'contracts/deploy/abis.ts is out of date: run `node --import tsx contracts/deploy/generateAbis.ts` and commit',
  );
});

test('the typed ABIs carry the entry points the relay calls', () => {
  const names = new Set<string>(tradingMarketplaceAbi.map((item) => ('name' in item ? item.name : '')));
  for (const name of ['settle', 'deposit', 'withdraw', 'accountOf', 'IntervalAlreadySettled', 'ZoneIntervalSettled']) {
    assert.ok(names.has(name), `TradingMarketplace ABI lacks ${name}`);
  }
  assert.ok(safeProxyFactoryAbi.some((item) => 'name' in item && item.name === 'createProxyWithNonce'));
});

test.run();
