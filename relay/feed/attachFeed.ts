import type { Server } from 'node:http';
import type { FeedHub } from './feedHub.ts';

/** Path of the feed's WebSocket endpoint. */
export const FEED_PATH = '/ws';

/**
 * Routes HTTP upgrade requests for `/ws` on `server` to the feed; any other upgrade is answered 404 and closed.
 * Returns the function that detaches the handler.
 */
export function attachFeed(server: Server, hub: FeedHub): () => void {
  const onUpgrade: Parameters<Server['on']>[1] = (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://feed').pathname;
    if (pathname !== FEED_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"not_found","message":"WebSocket upgrades are served only at /ws"}}');
      return;
    }
    hub.handleUpgrade(request, socket, head);
  };
  server.on('upgrade', onUpgrade);
  return () => server.off('upgrade', onUpgrade);
}
