/**
 * A same-origin front for a relay whose web room does not mount the dashboard (yet): serves the page with
 * `mountDashboard` and passes every other request — the API, `/metrics`, `/openapi.json` and the `/ws` upgrade —
 * to the relay unchanged. When the relay serves `/` itself, the tests use the relay directly.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { mountDashboard } from '../../relay/web/dashboard/dashboardRoutes.ts';

export interface DashboardFront {
  url: string;
  close(): Promise<void>;
}

/** Starts the front on a free port of 127.0.0.1, in front of `relayUrl`. */
export async function startDashboardFront(relayUrl: string): Promise<DashboardFront> {
  const relay = new URL(relayUrl);
  const app = new Hono();
  await mountDashboard(app);
  app.all('*', async (context) => {
    const target = new URL(context.req.path + new URL(context.req.url).search, relay);
    const hasBody = !['GET', 'HEAD'].includes(context.req.method);
    const response = await fetch(target, {
      method: context.req.method,
      headers: context.req.raw.headers,
      body: hasBody ? await context.req.arrayBuffer() : undefined,
    });
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(response.body, { status: response.status, headers });
  });
  const server: Server = createServer(getRequestListener(app.fetch));
  const sockets = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const upstream = connect(Number(relay.port), relay.hostname, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let index = 0; index < request.rawHeaders.length; index += 2) lines.push(`${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    sockets.add(socket).add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
