import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { privateKeyToAccount } from 'viem/accounts';
import { openStore } from '../store/openStore.ts';
import { loadContractArtifact } from './contractArtifact.ts';
import { openChain } from './openChain.ts';
import { registerMetersOnChain } from './registerMetersOnChain.ts';
import { chainZoneId } from './chainZoneId.ts';
import { platformAbis } from './platformAbis.ts';
import { roles } from './deployPlatform.ts';

test('deploys the platform on anvil under the Safe, registers meters once, and reuses the deployment', async () => {
  const store = await openStore({ kind: 'pglite', dataDir: 'memory://' });
  const chain = await openChain({ db: store.db });
  try {
    assert.ok(chain.isFreshDeployment);
    const { publicClient } = chain.clients;
    const manager = loadContractArtifact('AccessManager').abi;
    const [isSafeAdmin] = (await publicClient.readContract({ address: chain.addresses.manager, abi: manager, functionName: 'hasRole', args: [roles.admin, chain.addresses.safe] })) as [boolean, number];
    const [isRelayAdmin] = (await publicClient.readContract({ address: chain.addresses.manager, abi: manager, functionName: 'hasRole', args: [roles.admin, chain.clients.account.address] })) as [boolean, number];
    const [isSettler] = (await publicClient.readContract({ address: chain.addresses.manager, abi: manager, functionName: 'hasRole', args: [roles.settler, chain.clients.account.address] })) as [boolean, number];
    assert.ok(isSafeAdmin, 'the Safe holds the admin role');
    assert.not.ok(isRelayAdmin, 'the deployer gave up the admin role');
    assert.ok(isSettler);
    const owners = (await publicClient.readContract({ address: chain.addresses.safe, abi: loadContractArtifact('Safe').abi, functionName: 'getOwners' })) as string[];
    assert.is(owners.length, 3);
    const meter = privateKeyToAccount('0x' + '11'.repeat(32) as `0x${string}`).address;
    const meters = [{ address: meter, owner: chain.clients.account.address, zone: 'feeder-1', nameplateW: 4000, technology: 1 }];
    assert.is(await registerMetersOnChain(chain.clients, chain.addresses.registry, meters), 1);
    assert.is(await registerMetersOnChain(chain.clients, chain.addresses.registry, meters), 0);
    const record = (await publicClient.readContract({ address: chain.addresses.registry, abi: platformAbis().registry, functionName: 'meterRecord', args: [meter] })) as { zone: bigint };
    assert.is(record.zone, chainZoneId('feeder-1'));
    const again = await openChain({ db: store.db, rpcUrl: chain.rpcUrl, relayKey: chain.accounts.relayKey });
    assert.not.ok(again.isFreshDeployment);
    assert.equal(again.addresses, chain.addresses);
  } finally {
    await chain.stop();
    await store.close();
  }
});

test.run();
