/**
 * "Sign with wallet" in a real browser (Debian's Chromium through playwright-core) against the real relay
 * (`startRelay`: PGlite in a temporary folder, embedded broker): the household signs in with an injected EIP-1193
 * wallet, types its limits, and the wallet is asked for two `eth_signTypedData_v4` signatures whose orders the
 * relay queues for EnergyListing; "Save" beside it still stores the order through the relay. The chain itself is
 * not needed here (relay/chain/submitSignedOrders.test.ts sends the queue on anvil): the listing is announced in
 * the store as a market room would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { readRelayConfig } from '../../relay/config/relayConfig.ts';
import { startRelay, type RelayHandle } from '../../relay/startRelay.ts';
import { findStandingOrder } from '../../relay/store/marketQueries/findStandingOrder.ts';
import { announceListingChain } from '../../relay/store/marketQueries/listingChain.ts';
import { listMeterSignedOrders } from '../../relay/store/marketQueries/signedOrders.ts';
import { registerMeter } from '../../relay/store/queries/registerMeter.ts';
import { startDashboardFront, type DashboardFront } from './dashboardFront.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshotDir = join(repoRoot, 'artifacts', 'screenshots');
/** anvil's third well-known development key (never a real user's key). */
const owner = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const METER = '0x' + 'c4'.repeat(20);
const LISTING = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512';

interface World {
  dataDir: string;
  relay: RelayHandle;
  front: DashboardFront | undefined;
  baseUrl: string;
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  typedSignatures: number;
}
let world: World;

/** An EIP-1193 wallet in the page, answered in this process by `account`: accounts, personal_sign, eth_signTypedData_v4. */
async function injectTypedDataWallet(page: Page, account: PrivateKeyAccount): Promise<void> {
  await page.exposeFunction('__petTypedWalletRequest', async (method: string, params: unknown[]) => {
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [account.address];
      case 'eth_chainId':
        return '0x7a69';
      case 'personal_sign':
        return account.signMessage({ message: { raw: (params as [Hex])[0] } });
      case 'eth_signTypedData_v4': {
        // As a wallet reads it: JSON text, the domain's type listed, integers as decimal strings by their types.
        const [address, json] = params as [string, string];
        if (address.toLowerCase() !== account.address.toLowerCase()) throw new Error(`unknown account ${address}`);
        const typed = JSON.parse(json) as { types: Record<string, { name: string; type: string }[]>; domain: Record<string, unknown>; primaryType: string; message: Record<string, unknown> };
        const { EIP712Domain: _domain, ...types } = typed.types;
        const message = Object.fromEntries(types[typed.primaryType]!.map((f) => [f.name, f.type.startsWith('uint') ? BigInt(String(typed.message[f.name])) : typed.message[f.name]]));
        world.typedSignatures += 1;
        return account.signTypedData({ domain: typed.domain, types, primaryType: typed.primaryType, message } as never);
      }
      default:
        throw new Error(`the test wallet does not support ${method}`);
    }
  });
  await page.addInitScript({
    content: `(() => {
      const bridge = window.__petTypedWalletRequest;
      window.ethereum = { request: ({ method, params }) => bridge(method, params ?? []), on() {}, removeListener() {} };
    })();`,
  });
}

test.before(async () => {
  const started = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'ensureChromium.js')], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`Chromium is needed for the browser tests: ${started.stderr.trim()}`);
  mkdirSync(screenshotDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'pet-browser-signed-'));
  const config = readRelayConfig({ PET_DATA_DIR: join(dataDir, 'pglite'), PET_MQTT_PORT: '0', PET_HTTP_PORT: '0', PET_LOG_LEVEL: 'silent', PET_VERIFY_WORKERS: '1', PET_RELAY_ID: 'browser-signed' });
  const relay = await startRelay({ config, withProcessMetrics: false });
  assert.ok(relay.httpUrl, 'the relay started its web room');
  const home = await fetch(`${relay.httpUrl}/`);
  const front = home.ok && (await home.text()).includes('/assets/main-') ? undefined : await startDashboardFront(relay.httpUrl);
  await registerMeter(relay.store.db, { address: METER, zone: 'browser-zone', ownerAddress: owner.address, technology: 'solar', nameplateW: 5_000 });
  await announceListingChain(relay.store.db, { chainId: 31337, listing: LISTING });

  const context = await chromium.launchPersistentContext(join(dataDir, 'chromium-profile'), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  world = { dataDir, relay, front, baseUrl: front?.url ?? relay.httpUrl, context, page, consoleErrors: [], typedSignatures: 0 };
  page.on('console', (message) => {
    if (message.type() === 'error') world.consoleErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => world.consoleErrors.push(`page error: ${error.message}`));
  await injectTypedDataWallet(page, owner);
});

test.after(async () => {
  await world?.context?.close().catch(() => undefined);
  await world?.front?.close().catch(() => undefined);
  await world?.relay?.stop().catch(() => undefined);
  if (world?.dataDir) rmSync(world.dataDir, { recursive: true, force: true });
});

test('"Sign with wallet": two EIP-712 signatures from the wallet, an offer and a bid queued for EnergyListing; "Save" still stores through the relay', async () => {
  const { page } = world;
  await page.goto(`${world.baseUrl}/#/home`);
  await page.locator('[data-testid="sign-in"]').click();
  await page.locator('[data-testid="signed-in-address"]').waitFor();
  await page.locator('[data-testid="sign-order"]').waitFor({ timeout: 15_000 });

  await page.fill('#min-sell', '12.5');
  await page.fill('#max-buy', '');
  await page.locator('[data-testid="sign-order"]').click();
  const status = page.locator('[data-testid="order-status"]');
  await status.filter({ hasText: 'Signed and sent' }).waitFor({ timeout: 15_000 });
  assert.is(world.typedSignatures, 2);
  const queued = await listMeterSignedOrders(world.relay.store.db, METER, 10);
  assert.equal(queued.map((row) => `${row.nonce} side ${row.order?.side} limit ${row.order?.limitPricePerKWh} ${row.status}`).sort(), ['0 side 0 limit 125000 queued', '1 side 1 limit 0 queued']);
  assert.is(await findStandingOrder(world.relay.store.db, METER), undefined, 'nothing applies before the chain has it');
  await page.screenshot({ path: join(screenshotDir, 'standing-order-signed.png'), fullPage: true });

  await page.fill('#max-buy', '30');
  await page.locator('button[type="submit"]', { hasText: 'Save' }).click();
  await status.filter({ hasText: 'Saved.' }).waitFor();
  const saved = await findStandingOrder(world.relay.store.db, METER);
  assert.equal(saved?.sell, { kind: 'limit', priceMicroPerKWh: 125_000 });
  assert.equal(saved?.buy, { kind: 'limit', priceMicroPerKWh: 300_000 });
  assert.equal(world.consoleErrors, []);
});

test.run();
