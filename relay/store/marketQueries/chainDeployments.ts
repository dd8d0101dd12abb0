/**
 * Deployed contract addresses per chain id (`chain_deployments`), so a restarted relay reuses them.
 */
import { sql } from 'drizzle-orm';
import type { PlatformAddresses } from '../../chain/platformAddresses.ts';
import { platformContractNames } from '../../chain/platformAddresses.ts';
import { queryRows } from '../queryRows.ts';
import type { RelayDatabase } from '../relayDatabase.ts';

/** The addresses stored for `chainId`, or undefined when any is missing. */
export async function loadDeployment(db: RelayDatabase, chainId: number): Promise<PlatformAddresses | undefined> {
  const rows = await queryRows<{ name: string; address: string }>(db, sql`SELECT name, address FROM chain_deployments WHERE chain_id = ${chainId}`);
  const byName = new Map(rows.map((row) => [row.name, row.address]));
  const result: Record<string, string> = {};
  for (const name of platformContractNames) {
    const address = byName.get(name);
    if (address === undefined) return undefined;
    result[name] = address;
  }
  return result as unknown as PlatformAddresses;
}

/** Replaces the addresses stored for `chainId`. */
export async function saveDeployment(db: RelayDatabase, chainId: number, addresses: PlatformAddresses): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM chain_deployments WHERE chain_id = ${chainId}`);
    for (const name of platformContractNames) {
      await tx.execute(sql`INSERT INTO chain_deployments (chain_id, name, address) VALUES (${chainId}, ${name}, ${addresses[name]})`);
    }
  });
}
