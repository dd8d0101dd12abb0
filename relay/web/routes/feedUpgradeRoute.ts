import { createRoute } from '@hono/zod-openapi';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { httpFailure } from '../httpFailure.ts';

const feedRoute = createRoute({
  method: 'get',
  path: '/ws',
  tags: ['feed'],
  summary: 'Live feed: WebSocket upgrade (RFC 6455); messages are described in docs/api.md',
  description:
    'Send `{"op":"subscribe","channel":"zone:<id>"}` to receive `{channel, type, data, ts}` messages. ' +
    '`meter:<address>` channels need `{"op":"auth","token":"…"}` first (or `?token=` on the URL) from the meter’s owner.',
  responses: {
    101: { description: 'switching protocols to WebSocket' },
    426: errorResponse('a plain HTTP request reached the feed'),
  },
});

/**
 * Documents `/ws` in the OpenAPI document and answers a plain (non-upgrade) GET with 426. Real upgrades never
 * reach Hono: the HTTP server hands them to the feed's WebSocket server (`relay/feed/attachFeed.ts`).
 */
export function registerFeedUpgradeRoute(app: ApiApp): void {
  app.openapi(feedRoute, () => {
    throw httpFailure(426, 'upgrade_required', 'expected a WebSocket upgrade request (Connection: Upgrade, Upgrade: websocket)');
  });
}
