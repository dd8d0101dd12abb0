import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { privateKeyToAccount } from 'viem/accounts';
import { accessManagerAbi, safeAbi } from '../../contracts/deploy/abis.ts';
import { ADMIN_ROLE, SETTLER_ROLE } from '../../contracts/deploy/roles.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import { openStore } from '../store/openStore.ts';
import { openChain } from './openChain.ts';
import { platformAbis } from './platformAbis.ts';
import { registerMetersOnChain } from './registerMetersOnChain.ts';
import { findZoneMismatches } from './findZoneMismatches.ts';
import { createZoneDirectory } from '../market/zoneDirectory.ts';

test('starts anvil, deploys the platform under the Safe, registers meters once, and reuses the stored deployment', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: store.db });
  try {
    assert.ok(chain.isFreshDeployment);
    const { publicClient } = chain.clients;
    const relay = chain.clients.account.address;
    const hasRole = async (role: bigint, account: string) =>
      ((await publicClient.readContract({ address: chain.addresses.accessManager, abi: accessManagerAbi, functionName: 'hasRole', args: [role, account as `0x${string}`] })) as readonly [boolean, number])[0];
    assert.ok(await hasRole(ADMIN_ROLE, chain.addresses.safe), 'the Safe holds the admin role');
    assert.not.ok(await hasRole(ADMIN_ROLE, relay), 'the deployer gave up the admin role');
    assert.ok(await hasRole(SETTLER_ROLE, relay), 'the relay key may settle');
    const owners = await publicClient.readContract({ address: chain.addresses.safe, abi: safeAbi, functionName: 'getOwners' });
    assert.is(owners.length, 3);

    const meter = privateKeyToAccount(`0x${'11'.repeat(32)}`).address;
    const meters = [{ address: meter, owner: relay, zone: 'feeder-1', nameplateW: 4000, technology: 1 }];
    assert.is(await registerMetersOnChain(chain.clients, chain.addresses.meterRegistry, meters), 1);
    assert.is(await registerMetersOnChain(chain.clients, chain.addresses.meterRegistry, meters), 0, 'a registered meter is skipped');
    const record = (await publicClient.readContract({ address: chain.addresses.meterRegistry, abi: platformAbis().registry, functionName: 'meterRecord', args: [meter] })) as { zone: bigint };
    assert.is(record.zone, zoneIdFromName('feeder-1'));
    // Registered as a lone zone; a tree that later places feeder-1 under a substation gives it a path id instead.
    const registry = chain.addresses.meterRegistry;
    const unregistered = privateKeyToAccount(`0x${'22'.repeat(32)}`).address;
    const listed = [{ address: meter, zone: 'feeder-1' }, { address: unregistered, zone: 'feeder-1' }];
    assert.equal(await findZoneMismatches(chain.clients, registry, listed, createZoneDirectory([]).chainZoneOf), [], 'the same mapping: nothing to say');
    const tree = createZoneDirectory([{ id: 'substation-1', level: 'substation', children: [{ id: 'feeder-1', level: 'feeder' }] }]);
    assert.equal(await findZoneMismatches(chain.clients, registry, listed, tree.chainZoneOf), [
      { meter, zone: 'feeder-1', expectedZoneId: 0x0001_0001_0000_0000n, registeredZoneId: zoneIdFromName('feeder-1') },
    ], 'the registered meter is named, the unregistered one is not');

    const again = await openChain({ db: store.db, rpcUrl: chain.rpcUrl, relayKey: chain.accounts.relayKey });
    assert.not.ok(again.isFreshDeployment, 'a restart reuses the addresses stored for this chain');
    assert.equal(again.addresses, chain.addresses);
  } finally {
    await chain.stop();
    await store.close();
  }
});

test('refuses RPC_URL without the relay key, naming the variable', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  try {
    await openChain({ db: store.db, rpcUrl: 'http://127.0.0.1:1' }).then(
      () => assert.unreachable('expected an error'),
      (error: { code?: string; message: string }) => {
        assert.is(error.code, 'rpc_unreachable');
        assert.match(error.message, 'PET_CHAIN_KEY');
      },
    );
  } finally {
    await store.close();
  }
});

test.run();
