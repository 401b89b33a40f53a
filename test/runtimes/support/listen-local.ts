import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server on 127.0.0.1 (any free port): its URL and how to close it, connections and all. */
export type LocalServer = { url: string; close(): Promise<void> };

/**
 * `listener` on 127.0.0.1: the origins of the cross-origin browser tests (a page's own server, a
 * door), each on a port of its own.
 */
export async function listenLocal(
  listener: Parameters<typeof createServer>[1],
): Promise<LocalServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
