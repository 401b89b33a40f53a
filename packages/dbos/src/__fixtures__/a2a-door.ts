import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { toNodeListener } from '@gemloop/serve/node';

/**
 * An A2A handler served on 127.0.0.1 at a free port: its server (the test closes it) and origin.
 */
export async function listenA2ADoor(
  handler: (request: Request) => Promise<Response>,
): Promise<{ server: Server; origin: string }> {
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The A2A SDK's JSON-RPC client of the door at `origin`, each request with `token` as bearer. */
export function bearerA2AClient(origin: string, token: string): Promise<Client> {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  return new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl })],
  }).createFromUrl(origin);
}

/**
 * Closes a door a test opened: its HTTP server (open connections too), its runs client and its
 * pool (either may be closed already: a test that closed the door itself).
 */
export async function closeA2ADoor(door: {
  server: Server;
  runs: { close(): Promise<void> };
  pool: { end(): Promise<void> };
}): Promise<void> {
  door.server.closeAllConnections();
  await new Promise<void>((resolve) => door.server.close(() => resolve()));
  await door.runs.close().catch(() => undefined);
  await door.pool.end().catch(() => undefined);
}
