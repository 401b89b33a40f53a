import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from '@gemloop/serve/node';
import type { FetchHandler } from '@gemloop/serve/openai';
import { Hono } from 'hono';

// docs/serving-openai-compatible.md: the same handler on node:http, in Hono, in a Worker.

export async function serveOnNode(handler: FetchHandler, port = 8787) {
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, baseURL: `http://127.0.0.1:${bound}/v1` };
}

export function mountInHono(handler: FetchHandler) {
  const app = new Hono();
  app.all('/v1/*', (context) => handler(context.req.raw));
  return app;
}

export function workerOf(handler: FetchHandler) {
  return { fetch: (request: Request) => handler(request) };
}
