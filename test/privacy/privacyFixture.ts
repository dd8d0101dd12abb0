/**
 * Real parts for the privacy tests: the relay's store (PGlite in a temp dir through `openStore`, every migration),
 * the real Hono app with a data keyring, real sign-in through the API with viem accounts. Seeds on top of the
 * web fixture's data: a second owner (the "stranger") with a meter of its own, and market trades between them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { SignInService } from '../../relay/auth/signInService.ts';
import { createRelayMetrics } from '../../relay/ops/metrics.ts';
import { createDataKeyring, type DataKeyring } from '../../relay/privacy/dataKeyring.ts';
import { openStore, type Store } from '../../relay/store/openStore.ts';
import { samples } from '../../relay/store/schema.ts';
import { createApp } from '../../relay/web/createApp.ts';
import type { ApiApp } from '../../relay/web/openApiHono.ts';
import { INTERVAL_S, meterAddress, ownerAccount, SEED_START_S, SIWE_DOMAIN, SIWE_URI, seedStore, strangerAccount } from '../relay-web/webFixture.ts';

export interface PrivacyFixture {
  store: Store;
  app: ApiApp;
  /** The same API over the same store, built without a data key. */
  appWithoutKey: ApiApp;
  keyring: DataKeyring;
  close(): Promise<void>;
}

/** Opens a store in a temp dir, seeds it, and builds the app with a fresh random data key. */
export async function openPrivacyFixture(): Promise<PrivacyFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pet-privacy-'));
  const store = await openStore({ kind: 'pglite', dataDir });
  const keyring = createDataKeyring([randomBytes(32)]);
  const signIn = new SignInService({
    domain: SIWE_DOMAIN,
    uri: SIWE_URI,
    chainId: 31337,
    challengeTtlMs: 300_000,
    sessionTtlMs: 3_600_000,
    sessionSecret: new Uint8Array(32).fill(7),
    maxPendingChallenges: 100,
  });
  const deps = {
    db: store.db,
    signIn,
    metrics: createRelayMetrics({ withProcessMetrics: false }).registry,
    operatorToken: undefined,
    readinessChecks: [],
    logger: pino({ level: 'silent' }),
    now: Date.now,
  };
  const app = createApp({ ...deps, dataKeyring: keyring });
  const appWithoutKey = createApp(deps);
  await seedStore(store);
  await seedPrivacyData(store);
  return {
    store,
    app,
    appWithoutKey,
    keyring,
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const OWNER = ownerAccount.address.toLowerCase();
export const STRANGER = strangerAccount.address.toLowerCase();
/** The owner's meter (from the web fixture) and the stranger's. */
export const OWNER_METER = meterAddress(1);
export const STRANGER_METER = meterAddress(2);

/**
 * Meter 2 belongs to the stranger and gets samples of its own; each meter gets a rejection; the owner's meter sold
 * to the stranger's in interval 0 (settled on-chain, confirmed) and in interval 1 (settlement failed).
 */
async function seedPrivacyData(store: Store): Promise<void> {
  const db = store.db;
  await db.execute(sql`UPDATE meters SET owner_address = ${STRANGER} WHERE address = ${STRANGER_METER}`);
  await db.insert(samples).values(
    [0, 1, 2].map((seq) => ({
      meter: STRANGER_METER,
      seq,
      timeS: SEED_START_S + seq * 60,
      importWh: 7_000 + seq,
      exportWh: 0,
      powerW: 400,
      voltageDv: 2_299,
      currentMa: 1_700,
      powerFactorPermille: 980,
      prev: '0x' + '1'.repeat(64),
      digest: '0x' + 'a'.repeat(63) + String(seq),
    })),
  );
  await db.execute(sql`INSERT INTO abandoned_gaps (meter, from_seq, to_seq, reason) VALUES (${OWNER_METER}, 5, 9, 'meter_queue_overflow'), (${STRANGER_METER}, 3, 4, 'meter_queue_overflow')`);
  await db.execute(sql`INSERT INTO rejections (topic, meter, seq, code, reason, payload_excerpt, payload_bytes) VALUES
    ('pet/v1/meters/x/sample', ${OWNER_METER}, 99, 'chain_broken', 'prev does not match', '{"seq":99}', 40)`);
  for (const [index, startS] of [SEED_START_S, SEED_START_S + INTERVAL_S].entries()) {
    await db.execute(sql`INSERT INTO market_trades (zone, interval_start_s, trade_index, sell_order_id, buy_order_id, seller, seller_meter, buyer, buyer_meter, energy_wh, price_micro_per_kwh, amount_micro)
      VALUES ('big', ${startS}, 0, ${'s-' + OWNER_METER}, ${'b-' + STRANGER_METER}, ${OWNER}, ${OWNER_METER}, ${STRANGER}, ${STRANGER_METER}, 40, 250000, 10000)`);
    await db.execute(sql`INSERT INTO settlement_batches (zone, interval_start_s, chain_zone, batch_key, state, price_micro_per_kwh, sellers_hex, trades_hex, trade_count, delivered_wh, gross_micro, tx_hash)
      VALUES ('big', ${startS}, 1, ${'key-' + index}, ${index === 0 ? 'confirmed' : 'failed'}, 250000, ${'0x' + OWNER.slice(2)}, '0x', 1, 40, 10000, ${index === 0 ? '0x' + 'f'.repeat(64) : null})`);
  }
  await db.execute(sql`INSERT INTO notifications (recipient, kind, zone, interval_start_s, body_json) VALUES (${OWNER}, 'trade', 'big', ${SEED_START_S}, '{"energyWh":40}'), (${STRANGER}, 'trade', 'big', ${SEED_START_S}, '{"energyWh":40}')`);
}
