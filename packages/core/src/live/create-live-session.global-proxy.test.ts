import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { getGlobalDispatcher, ProxyAgent, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { transportFrameBound } from '../platform/node/live-web-socket.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LiveSessionError } from './live-session-error.ts';

// leftovers36: a program that sends its traffic through a proxy with undici's
// `setGlobalDispatcher(new ProxyAgent(...))` had its model calls go through it (the client keeps
// fetch while a dispatcher other than undici's default Agent is installed), but every Live session
// went around it: the session's socket was given an Agent of its own. undici's WebSocket takes the
// dispatcher it is given, else `getGlobalDispatcher()` (WebSocketInit's `dispatcher` default,
// lib/web/websocket/websocket.js in undici 7.30), and Node's global WebSocket is undici's, so a
// program's WebSocket goes through its proxy: a session's now does too, with its frame bound.

/** An HTTP CONNECT proxy on 127.0.0.1 that tunnels to any target and lists what it was asked. */
async function connectProxy(): Promise<{ url: string; targets: string[] }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_, response) => response.writeHead(405).end());
  server.on('connect', (request, client: Socket, head: Buffer) => {
    targets.push(String(request.url));
    const [host, port] = String(request.url).split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    // As a proxy does: one side gone (undici destroys a socket that failed), the other goes too.
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        other.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, targets };
}

const previous = getGlobalDispatcher();
afterEach(() => setGlobalDispatcher(previous));

describe('a Live session in a program that installed a ProxyAgent globally', () => {
  it('connects through the proxy', async () => {
    const proxy = await connectProxy();
    const dispatcher = new ProxyAgent(proxy.url);
    onTestFinished(() => dispatcher.close());
    setGlobalDispatcher(dispatcher);
    const { fake, agent } = await liveFixture({ script: [[{ text: 'through' }]] });
    const session = await createLiveSession(agent);
    onTestFinished(() => session.close());
    session.sendText('hi');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events.some((event) => event.type === 'text-delta')).toBe(true);
    expect(proxy.targets).toEqual([new URL(fake.url).host]);
  });

  it('keeps the session’s frame bound: a frame past it is refused at its header, typed', async () => {
    const proxy = await connectProxy();
    const dispatcher = new ProxyAgent(proxy.url);
    onTestFinished(() => dispatcher.close());
    setGlobalDispatcher(dispatcher);
    // 3 MiB: past transportFrameBound(1000) (1 MiB and 1000 bytes), far under undici's own 128 MiB
    // that the program's ProxyAgent carries. Read whole, the session would refuse it by size with
    // no close code; refused by the socket (close 1009, live1009), the error names the bound.
    const { fake, agent } = await liveFixture({
      script: [[{ frame: new Uint8Array(3 * 1024 * 1024).fill(0x20) }], [{ text: 'after' }]],
    });
    const session = await createLiveSession(agent, { maxFrameBytes: 1000 });
    onTestFinished(() => session.close());
    session.sendText('send the big one');
    const error = await session.closed.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LiveSessionError);
    expect(error).toMatchObject({ reason: 'frame-too-large', limit: 1000, closeCode: 1009 });
    expect((error as Error).message).toContain(`bound of ${transportFrameBound(1000)} bytes`);
    expect(proxy.targets).toEqual([new URL(fake.url).host]);
  });
});
