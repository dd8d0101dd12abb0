import { registerDatabaseGauges } from '../ops/databaseGauges.ts';
import type { ApiDependencies } from './apiDependencies.ts';
import { createHttpErrorHandler } from './httpErrorHandler.ts';
import { httpFailure } from './httpFailure.ts';
import { createApiApp, type ApiApp } from './openApiHono.ts';
import { registerAuthRoutes } from './routes/authRoutes.ts';
import { registerFeedUpgradeRoute } from './routes/feedUpgradeRoute.ts';
import { registerHealthRoutes } from './routes/healthRoutes.ts';
import { registerMarketMeterRoutes } from './routes/marketMeterRoutes.ts';
import { registerMarketStandingOrderRoutes } from './routes/marketStandingOrderRoutes.ts';
import { registerMarketZoneRoutes } from './routes/marketZoneRoutes.ts';
import { registerMeterDeliveryRoutes } from './routes/meterDeliveryRoutes.ts';
import { registerMeterDetailRoutes } from './routes/meterDetailRoutes.ts';
import { registerMeterRoutes } from './routes/meterRoutes.ts';
import { registerMetricsRoute } from './routes/metricsRoute.ts';
import { registerMyMetersRoute } from './routes/myMetersRoute.ts';
import { registerPrivacyRoutes } from './routes/privacyRoutes.ts';
import { registerRejectionRoutes } from './routes/rejectionRoutes.ts';
import { registerZoneRoutes } from './routes/zoneRoutes.ts';

/** Path of the generated OpenAPI 3.1 document. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * Builds the relay's HTTP API as a Hono app. Tests call `app.request(...)` on it directly; `startHttpServer`
 * serves it on Node. Every route validates its input against the schemas in `apiSchemas.ts`, which also produce
 * the OpenAPI document at `/openapi.json`.
 *
 * @example
 * const app = createApp({ db, signIn, metrics, operatorToken, readinessChecks: [], logger, now: Date.now });
 * const response = await app.request('/api/v1/zones');
 */
export function createApp(deps: ApiDependencies): ApiApp {
  const app = createApiApp();
  app.onError(createHttpErrorHandler(deps.logger));
  app.notFound((c) => {
    throw httpFailure(404, 'not_found', `no route ${c.req.method} ${c.req.path}; see ${OPENAPI_PATH}`);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'ownerSession', {
    type: 'http',
    scheme: 'bearer',
    description: 'session token from POST /api/v1/auth/verify (EIP-4361 sign-in)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'operatorToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'the relay operator’s PET_OPERATOR_TOKEN',
  });

  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerDatabaseGauges(deps.metrics, deps.db);
  registerAuthRoutes(app, deps);
  registerMyMetersRoute(app, deps);
  registerPrivacyRoutes(app, deps);
  registerMeterRoutes(app, deps);
  registerMeterDetailRoutes(app, deps);
  registerMeterDeliveryRoutes(app, deps);
  registerZoneRoutes(app, deps);
  registerMarketZoneRoutes(app, deps);
  registerMarketMeterRoutes(app, deps);
  registerMarketStandingOrderRoutes(app, deps);
  registerRejectionRoutes(app, deps);
  registerFeedUpgradeRoute(app);

  let document: ReturnType<ApiApp['getOpenAPI31Document']> | undefined;
  app.get(OPENAPI_PATH, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'peer-energy-trader relay API',
        version: '1',
        description: 'Meters, owner readings and seals, zone aggregates and market (≥ 5 meters), owner trades and standing orders, operator registration. See docs/api.md.',
      },
    });
    return c.json(document);
  });
  return app;
}
