import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** A running {@link startConnectProxy}: its URL, the targets it tunnelled to, in order. */
export type ConnectProxy = { url: string; readonly targets: string[]; close(): Promise<void> };

/**
 * An HTTP proxy on 127.0.0.1 for a client under Node's env proxy (`HTTP_PROXY`): it tunnels each
 * CONNECT (undici's `ProxyAgent`, Node's env proxy beneath fetch and WebSocket, tunnels `http:`
 * targets too) to its target on this machine, and records the target (`127.0.0.1:<port>`). Any
 * other request gets a 405; a target off loopback a 403, never a connection.
 */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => {
    response.writeHead(405).end('CONNECT only');
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    const target = request.url ?? '';
    targets.push(target);
    const { hostname, port } = new URL(`http://${target}`);
    if (hostname !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const end = (): void => {
      upstream.destroy();
      client.destroy();
      sockets.delete(upstream);
      sockets.delete(client);
    };
    sockets.add(upstream).add(client);
    for (const socket of [upstream, client]) socket.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
