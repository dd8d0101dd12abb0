import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformContractNames } from '../chain/platformAddresses.ts';
import { ConfigError } from './configError.ts';
import { readMarketConfig } from './marketConfig.ts';

const key = '0x' + '1'.repeat(64);

function refusal(env: Record<string, string>): string {
  try {
    readMarketConfig(env);
  } catch (error) {
    assert.instance(error, ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

test('PET_MARKET: off by default; clear needs nothing more; settle without RPC_URL runs on a local anvil', () => {
  assert.equal(readMarketConfig({}), { mode: 'off' });
  assert.equal(readMarketConfig({ PET_MARKET: 'clear' }), { mode: 'clear' });
  assert.equal(readMarketConfig({ PET_MARKET: 'settle' }), { mode: 'settle' });
  assert.match(refusal({ PET_MARKET: 'sometimes' }), /PET_MARKET: expected off \| clear \| settle, got "sometimes"/);
});

test('settle on RPC_URL needs the relay key and the platform addresses, each checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-market-config-'));
  try {
    const addresses = Object.fromEntries(platformContractNames.map((name, i) => [name, `0x${(i + 1).toString(16).padStart(40, '0')}`]));
    writeFileSync(join(dir, 'addresses.json'), JSON.stringify(addresses));
    const settle = { PET_MARKET: 'settle', RPC_URL: 'http://127.0.0.1:8545' };
    assert.equal(readMarketConfig({ ...settle, PET_CHAIN_KEY: key, PET_CHAIN_ADDRESSES: join(dir, 'addresses.json') }), { mode: 'settle', rpcUrl: settle.RPC_URL, chainKey: key, addresses });
    assert.match(refusal(settle), /PET_CHAIN_KEY: expected the relay's key \(0x \+ 64 hex digits\) with RPC_URL, got nothing/);
    assert.match(refusal({ ...settle, PET_CHAIN_KEY: '0x12' }), /PET_CHAIN_KEY: .*got something else/);
    assert.match(refusal({ ...settle, PET_CHAIN_KEY: key }), /PET_CHAIN_ADDRESSES: expected a JSON file/);
    assert.match(refusal({ ...settle, PET_CHAIN_KEY: key, PET_CHAIN_ADDRESSES: join(dir, 'absent.json') }), /PET_CHAIN_ADDRESSES: expected a readable JSON file .*ENOENT/);
    writeFileSync(join(dir, 'short.json'), JSON.stringify({ ...addresses, tradingMarketplace: '0x1234' }));
    assert.match(refusal({ ...settle, PET_CHAIN_KEY: key, PET_CHAIN_ADDRESSES: join(dir, 'short.json') }), /expected "tradingMarketplace" to be an address/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
