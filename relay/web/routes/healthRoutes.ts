import { createRoute, z } from '@hono/zod-openapi';
import { pingDatabase } from '../../store/queries/pingDatabase.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import type { ApiApp } from '../openApiHono.ts';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.object({ isHealthy: z.boolean(), message: z.string().optional() })).optional(),
  })
  .openapi('Health');

const liveRoute = createRoute({
  method: 'get',
  path: '/health/live',
  tags: ['operations'],
  summary: 'The process is up and answering',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/health/ready',
  tags: ['operations'],
  summary: 'The database (and the broker, when the relay runs ingest) answer',
  responses: {
    200: { description: 'ready to serve', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'a dependency is down', content: { 'application/json': { schema: HealthSchema } } },
  },
});

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: () => Promise<boolean | void>): Promise<{ isHealthy: boolean; message?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const result = await Promise.race([check(), timeout]);
    return result === false ? { isHealthy: false, message: 'reported not ready' } : { isHealthy: true };
  } catch (error) {
    return { isHealthy: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** `/health/live` (liveness: no dependency checked) and `/health/ready` (readiness: database and others). */
export function registerHealthRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(liveRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const checks = [{ name: 'database', check: () => pingDatabase(deps.db) }, ...deps.readinessChecks];
    const results = await Promise.all(checks.map(async ({ name, check }) => [name, await runCheck(check)] as const));
    const isReady = results.every(([, result]) => result.isHealthy);
    const body = { status: isReady ? ('ok' as const) : ('unavailable' as const), checks: Object.fromEntries(results) };
    return isReady ? c.json(body, 200) : c.json(body, 503);
  });
}
