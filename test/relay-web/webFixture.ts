/**
 * A web room on real parts for the tests in this folder: the relay's store (PGlite in a temp dir, migrated by
 * `openStore`), the real event bus and metrics registry, real sign-in, and viem accounts that sign like wallets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createRelayEventBus, type RelayEventBus } from '../../relay/events/relayEventBus.ts';
import { createRelayMetrics, type RelayMetrics } from '../../relay/ops/metrics.ts';
import { SignInService } from '../../relay/auth/signInService.ts';
import { openStore, type Store } from '../../relay/store/openStore.ts';
import { meterIntervals, meters, rejections, samples, seals } from '../../relay/store/schema.ts';
import { createApp } from '../../relay/web/createApp.ts';
import type { ApiApp } from '../../relay/web/openApiHono.ts';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
export const SIWE_DOMAIN = '127.0.0.1:8080';
export const SIWE_URI = 'http://127.0.0.1:8080';

/** Well-known anvil development keys: never hold value. */
export const ownerAccount = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
export const strangerAccount = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');

/** Meter address n (1-based) of the fixture: 0x000…0n. */
export function meterAddress(n: number): string {
  return '0x' + n.toString(16).padStart(40, '0');
}

export interface WebFixture {
  store: Store;
  events: RelayEventBus;
  metrics: RelayMetrics;
  signIn: SignInService;
  app: ApiApp;
  clock: { nowMs: number };
  close(): Promise<void>;
}

/** Opens a fresh store in a temp dir and builds the app over it. */
export async function openWebFixture(): Promise<WebFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pet-web-'));
  const store = await openStore({ kind: 'pglite', dataDir });
  const events = createRelayEventBus();
  const metrics = createRelayMetrics({ withProcessMetrics: false });
  const clock = { nowMs: Date.now() };
  const signIn = new SignInService({
    domain: SIWE_DOMAIN,
    uri: SIWE_URI,
    chainId: 31337,
    challengeTtlMs: 300_000,
    sessionTtlMs: 3_600_000,
    sessionSecret: new Uint8Array(32).fill(9),
    maxPendingChallenges: 100,
    now: () => clock.nowMs,
  });
  const app = createApp({
    db: store.db,
    signIn,
    metrics: metrics.registry,
    operatorToken: OPERATOR_TOKEN,
    readinessChecks: [],
    logger: pino({ level: 'silent' }),
    now: () => clock.nowMs,
  });
  return {
    store,
    events,
    metrics,
    signIn,
    app,
    clock,
    async close() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the HTTP API like a wallet would and returns the bearer token. */
export async function signInThroughApi(app: ApiApp, account: PrivateKeyAccount): Promise<string> {
  const challenge = await app.request('/api/v1/auth/challenge', postJson({ address: account.address }));
  const { message } = (await challenge.json()) as { message: string };
  const signature = await account.signMessage({ message });
  const verified = await app.request('/api/v1/auth/verify', postJson({ message, signature }));
  const { token } = (await verified.json()) as { token: string };
  return token;
}

/** `RequestInit` of a JSON POST, optionally with a bearer token. */
export function postJson(body: unknown, token?: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return { method: 'POST', headers, body: JSON.stringify(body) };
}

/** Bearer header for GETs. */
export function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

export const SEED_START_S = 1_767_225_600; // 2026-01-01T00:00:00Z
export const INTERVAL_S = 900;

/**
 * Seeds: zone `big` with 6 meters (1 … 6; meter 1 owned by `ownerAccount`), zone `small` with 3 meters (7 … 9);
 * meter 1 has 5 samples and 2 seals; `big` has two sealed intervals: one over 6 meters, one over 2 (withheld);
 * two rejections.
 */
export async function seedStore(store: Store): Promise<void> {
  const db = store.db;
  await db.insert(meters).values([
    ...[1, 2, 3, 4, 5, 6].map((n) => ({ address: meterAddress(n), zone: 'big', ownerAddress: n === 1 ? ownerAccount.address.toLowerCase() : meterAddress(100 + n), technology: 'solar' })),
    ...[7, 8, 9].map((n) => ({ address: meterAddress(n), zone: 'small', ownerAddress: meterAddress(100 + n) })),
  ]);
  await db.insert(samples).values(
    [0, 1, 2, 3, 4].map((seq) => ({
      meter: meterAddress(1),
      seq,
      timeS: SEED_START_S + seq * 60,
      importWh: 1_000 + seq,
      exportWh: 2_000 + 10 * seq,
      powerW: -600,
      voltageDv: 2_301,
      currentMa: 2_600,
      powerFactorPermille: 990,
      prev: '0x' + '0'.repeat(64),
      digest: '0x' + String(seq).repeat(64),
    })),
  );
  await db.insert(seals).values(
    [0, 1].map((n) => ({
      meter: meterAddress(1),
      seq: 10 + n,
      startS: SEED_START_S + n * INTERVAL_S,
      endS: SEED_START_S + (n + 1) * INTERVAL_S,
      importStartWh: 1_000,
      importEndWh: 1_004,
      exportStartWh: 2_000,
      exportEndWh: 2_040,
      sampleCount: 5,
      sig: '0x' + 'ab'.repeat(65),
      prev: '0x' + 'cd'.repeat(32),
      digest: '0x' + 'ef'.repeat(32),
    })),
  );
  await db.insert(meterIntervals).values([
    ...[1, 2, 3, 4, 5, 6].map((n) => ({ meter: meterAddress(n), zone: 'big', startS: SEED_START_S, endS: SEED_START_S + INTERVAL_S, importWh: 10 * n, exportWh: 100, sealSeq: 10 })),
    ...[1, 2].map((n) => ({ meter: meterAddress(n), zone: 'big', startS: SEED_START_S + INTERVAL_S, endS: SEED_START_S + 2 * INTERVAL_S, importWh: 5, exportWh: 50, sealSeq: 11 })),
    ...[7, 8, 9].map((n) => ({ meter: meterAddress(n), zone: 'small', startS: SEED_START_S, endS: SEED_START_S + INTERVAL_S, importWh: 7, exportWh: 70, sealSeq: 10 })),
  ]);
  await db.insert(rejections).values([
    { topic: 'pet/v1/meters/x/seal', meter: meterAddress(2), seq: 4, code: 'bad_signature', reason: 'signature does not recover to the meter', payloadExcerpt: '{…}', payloadBytes: 300 },
    { topic: 'pet/v1/meters/x/sample', meter: meterAddress(3), seq: 9, code: 'malformed_json', reason: 'expected JSON', payloadExcerpt: '{', payloadBytes: 1 },
  ]);
}
