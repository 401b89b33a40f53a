import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPinnedPost, type PinnedPost } from './post-pinned.ts';

// The push notification's POST, pinned to the addresses the URL check approved: the socket goes
// to those addresses whatever the name resolves to by the time of the POST (a DNS rebinding finds
// nothing to rebind), the URL's host still names the request, and an abort ends it at once.

type Received = { method: string; host: string; headers: IncomingMessage['headers']; body: string };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A local server answering `status` (or never, with `hang`), recording what it received. */
async function listen(
  status: number,
  hang = false,
): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        host: request.headers.host ?? '',
        headers: request.headers,
        body,
      });
      if (!hang) response.writeHead(status).end('ignored body');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

async function post(): Promise<PinnedPost> {
  const pinned = await loadPinnedPost();
  if (pinned === undefined) throw new Error('node:http is there on Node');
  return pinned;
}

describe('loadPinnedPost', () => {
  it('connects to the pinned address, not to what the name resolves to, and keeps the URL’s host', async () => {
    const { port, received } = await listen(202);
    const send = await post();
    // `.invalid` never resolves (RFC 2606): only the pinned address can be reached.
    const status = await send({
      url: new URL(`http://hooks.example.invalid:${port}/notify?task=1`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: { 'content-type': 'application/json', authorization: 'Bearer push-token' },
      body: JSON.stringify({ state: 'completed', note: 'é😀' }),
      signal: new AbortController().signal,
    });
    expect(status).toBe(202);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.host).toBe(`hooks.example.invalid:${port}`);
    expect(request?.headers['authorization']).toBe('Bearer push-token');
    // The length of the body in bytes, not in characters.
    expect(request?.headers['content-length']).toBe(
      String(Buffer.byteLength(JSON.stringify({ state: 'completed', note: 'é😀' }))),
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({ state: 'completed', note: 'é😀' });
  });

  it('gives the receiver’s status as it is, a failure included, without reading its body', async () => {
    const { port } = await listen(500);
    const send = await post();
    const status = await send({
      url: new URL(`http://push.test:${port}/`),
      addresses: [{ address: '127.0.0.1', family: 4 }],
      headers: {},
      body: '',
      signal: new AbortController().signal,
    });
    expect(status).toBe(500);
  });

  it('rejects with the abort reason, before sending or while waiting for the answer', async () => {
    const { port, received } = await listen(200, true);
    const send = await post();
    const request = (signal: AbortSignal) =>
      send({
        url: new URL(`http://push.test:${port}/`),
        addresses: [{ address: '127.0.0.1', family: 4 }],
        headers: {},
        body: '{}',
        signal,
      });
    await expect(request(AbortSignal.abort(new Error('shutting down')))).rejects.toThrow(
      'shutting down',
    );
    const controller = new AbortController();
    const pending = request(controller.signal);
    // Aborted once the receiver has the request and sits on it.
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });

  it('fails as the network says when nothing listens at the pinned address', async () => {
    const { port } = await listen(200);
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const send = await post();
    await expect(
      send({
        url: new URL(`http://push.test:${port}/`),
        addresses: [{ address: '127.0.0.1', family: 4 }],
        headers: {},
        body: '{}',
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
