/**
 * Which routes this relay offers, read once from its OpenAPI document (`/openapi.json`). Parts of the relay
 * arrive at different times (the market after ingest, certificates after settlement); the page asks only for what
 * the relay says it serves and shows the others' honest empty state, instead of probing with failing requests.
 */
import { requestApi } from './apiClient.ts';

let routes: Promise<Set<string>> | undefined;

function loadRoutes(): Promise<Set<string>> {
  routes ??= requestApi<{ paths?: Record<string, Record<string, unknown>> }>('/openapi.json').then((result) => {
    const offered = new Set<string>();
    if (!result.ok) return offered;
    for (const [path, operations] of Object.entries(result.body.paths ?? {})) {
      for (const method of Object.keys(operations)) offered.add(`${method.toUpperCase()} ${path}`);
    }
    return offered;
  });
  return routes;
}

/**
 * Whether the relay serves `method` on the OpenAPI path template `path`.
 * @example
 * await offersRoute('GET', '/api/v1/zones/{zone}/intervals')
 */
export async function offersRoute(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string): Promise<boolean> {
  return (await loadRoutes()).has(`${method} ${path}`);
}
