import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDependencies } from '../apiDependencies.ts';
import type { ApiApp } from '../openApiHono.ts';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics in the text exposition format',
  responses: { 200: { description: 'metrics', content: { 'text/plain': { schema: z.string() } } } },
});

/** `/metrics`: the relay's prom-client registry, for a Prometheus scraper. */
export function registerMetricsRoute(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(metricsRoute, async (c) => {
    const text = await deps.metrics.metrics();
    c.header('content-type', deps.metrics.contentType);
    return c.text(text, 200);
  });
}
