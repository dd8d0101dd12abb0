import { Hono } from 'hono';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDashboard } from './buildDashboard.ts';
import { mountDashboard } from './dashboardRoutes.ts';

const bundle = await buildDashboard();

test('bundles one script and one stylesheet, named by content hash, referenced by the page', () => {
  const names = [...bundle.assets.keys()];
  assert.equal(names.length, 2);
  const script = names.find((name) => /^main-[0-9a-f]{12}\.js$/.test(name));
  const style = names.find((name) => /^main-[0-9a-f]{12}\.css$/.test(name));
  assert.ok(script, `expected a hashed script, got ${names.join(', ')}`);
  assert.ok(style, `expected a hashed stylesheet, got ${names.join(', ')}`);
  assert.ok(bundle.html.includes(`src="/assets/${script}"`));
  assert.ok(bundle.html.includes(`href="/assets/${style}"`));
});

test('the bundle carries uPlot and its stylesheet, and loads nothing from another origin', () => {
  const script = new TextDecoder().decode([...bundle.assets.values()].find((asset) => asset.contentType.startsWith('text/javascript'))!.body);
  const style = new TextDecoder().decode([...bundle.assets.values()].find((asset) => asset.contentType.startsWith('text/css'))!.body);
  assert.ok(style.includes('.uplot'), 'uPlot stylesheet bundled');
  assert.ok(style.includes('--production'), 'dashboard stylesheet bundled');
  assert.not.match(bundle.html + style, /https?:\/\//, 'no absolute URL in the page or the stylesheet');
  assert.not.match(script, /\bimport\s*\(?\s*["']https?:/, 'no remote import in the script');
});

test('serves the page with a same-origin CSP and the assets as immutable, 404 for an unknown asset', async () => {
  const app = new Hono();
  await mountDashboard(app, { bundle });
  const page = await app.request('/');
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const [name, asset] = [...bundle.assets][0]!;
  const served = await app.request(`/assets/${name}`);
  assert.is(served.status, 200);
  assert.is(served.headers.get('content-type'), asset.contentType);
  assert.match(served.headers.get('cache-control') ?? '', /immutable/);
  assert.is(new Uint8Array(await served.arrayBuffer()).length, asset.body.length);
  const missing = await app.request('/assets/main-000000000000.js');
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
});

test('a failed build answers 503 with the reason and reports the error once', async () => {
  const app = new Hono();
  const reported: Error[] = [];
  const failing = Promise.reject(new Error('esbuild: unexpected token'));
  await mountDashboard(app, { bundle: failing, onBuildError: (error) => reported.push(error) }).catch(() => undefined);
  const page = await app.request('/');
  assert.is(page.status, 503);
  assert.match(await page.text(), /unexpected token/);
  assert.is(reported.length, 1);
});

test.run();
