/**
 * Serves the dashboard from the relay's Hono app: `GET /` (the page) and `GET /assets/<name>` (the bundled
 * script and stylesheet). The bundle is built once, when the routes are mounted, and kept in memory.
 */
import type { Hono } from 'hono';
import { buildDashboard, type DashboardBundle } from './buildDashboard.ts';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from './dashboardPage.ts';

/** Options of {@link mountDashboard}. */
export interface MountDashboardOptions {
  /** A bundle built beforehand (or being built); default: start `buildDashboard()` now. */
  bundle?: DashboardBundle | Promise<DashboardBundle>;
  /** Told once when bundling fails (the relay logs it); the page then answers 503 with the reason. */
  onBuildError?: (error: Error) => void;
}

/**
 * Mounts `/` and `/assets/*` on `app`. Bundling starts at once and runs alongside the relay's start-up;
 * a request that arrives before it finishes waits for it.
 * @example
 * const app = new Hono();
 * mountDashboard(app, { onBuildError: (error) => logger.error(error) });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function mountDashboard(app: Hono<any, any, any>, options: MountDashboardOptions = {}): Promise<DashboardBundle> {
  const bundlePromise = Promise.resolve(options.bundle ?? buildDashboard());
  let failure = undefined as Error | undefined;
  bundlePromise.catch((error: Error) => {
    failure = error;
    options.onBuildError?.(error);
  });

  app.get('/', async (context) => {
    const bundle = await bundlePromise.catch(() => undefined);
    if (bundle === undefined) return context.text(`The dashboard could not be built: ${failure?.message ?? 'unknown error'}`, 503);
    return context.html(bundle.html, 200, {
      'content-security-policy': DASHBOARD_CONTENT_SECURITY_POLICY,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    });
  });

  app.get('/assets/:name', async (context) => {
    const bundle = await bundlePromise.catch(() => undefined);
    const asset = bundle?.assets.get(context.req.param('name'));
    if (asset === undefined) return context.json({ error: { code: 'not_found', message: `no dashboard asset named ${context.req.param('name')}` } }, 404);
    return context.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.contentType,
      // Names carry the content hash: a changed file gets a new name.
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });

  return bundlePromise;
}
