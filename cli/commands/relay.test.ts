/** Runs the real `relay` command as a child process, as an operator would. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function runRelay(env: Record<string, string>) {
  return spawnSync(process.execPath, ['bin/peer-energy-trader.js', 'relay'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

test('PET_MARKET=clear runs the market room over the configured zone tree and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-relay-cli-'));
  try {
    writeFileSync(join(dir, 'tree.json'), JSON.stringify({ id: 'substation-1', level: 'substation', children: [{ id: 'feeder-1', level: 'feeder' }] }));
    const child = spawn(process.execPath, ['bin/peer-energy-trader.js', 'relay'], {
      cwd: repoRoot,
      env: { ...process.env, PET_MARKET: 'clear', PET_ZONE_TREE: join(dir, 'tree.json'), PET_DATA_DIR: join(dir, 'pglite'), PET_MQTT_PORT: '0', PET_HTTP_PORT: '0', PET_VERIFY_WORKERS: '1', PET_LOG_LEVEL: 'info', DATABASE_URL: '', MQTT_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!output.includes('market room started')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the market room did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const started = output.split('\n').find((line) => line.includes('market room started'))!;
    assert.equal(JSON.parse(started).trees, ['substation-1']);
    assert.is(JSON.parse(started).mode, 'clear');
    // The market's metrics are served with the relay's.
    const { http } = JSON.parse(started) as { http: string };
    assert.match(await (await fetch(`${http}/metrics`)).text(), /pet_relay_market_zone_intervals_cleared_total/);
    child.kill('SIGTERM');
    assert.is(await exited, 0, output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a market setting that cannot work exits 1 naming the variable, before anything starts', () => {
  // Each refusal is covered by relay/config/marketConfig.test.ts and relayConfig.test.ts; here the command's exit.
  const result = runRelay({ PET_MARKET: 'sometimes', PET_DATA_DIR: join(tmpdir(), 'pet-relay-cli-unused'), PET_MQTT_PORT: '0', PET_HTTP_PORT: '0', DATABASE_URL: '', MQTT_URL: '' });
  assert.is(result.status, 1, result.stderr);
  assert.match(result.stderr, /^peer-energy-trader relay: PET_MARKET: expected off \| clear \| settle, got "sometimes"\n$/);
  const badParameter = runRelay({ PET_MARKET: 'clear', PET_INTERVAL_SECONDS: 'often', PET_DATA_DIR: join(tmpdir(), 'pet-relay-cli-unused'), DATABASE_URL: '', MQTT_URL: '' });
  assert.is(badParameter.status, 1, badParameter.stderr);
  assert.match(badParameter.stderr, /PET_INTERVAL_SECONDS/);
});

test.run();
