import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestOnce } from './request-once.ts';
import { WebFetchError } from './web-fetch-error.ts';

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

/** An HTTP server on 127.0.0.1 that records each request; returns its port. */
async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: one the kernel just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const loopback = [{ address: '127.0.0.1', family: 4 as const }];

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('requestOnce', () => {
  it('connects to the pinned address, never resolving the host, and sends the URL host as Host', async () => {
    const seen: { host?: string | undefined; url?: string | undefined; agent?: string }[] = [];
    const port = await listen((request, response) => {
      seen.push({
        host: request.headers.host,
        url: request.url,
        agent: String(request.headers['user-agent']),
      });
      response.end('pinned \u{1f600}');
    });
    // .invalid never resolves (RFC 6761): reaching the server proves DNS was not consulted.
    const response = await requestOnce({
      url: new URL(`http://pinned.invalid:${port}/path?q=%E2%82%AC`),
      addresses: loopback,
      headers: { 'user-agent': 'gemloop-test' },
      signal: new AbortController().signal,
    });
    expect(response.statusCode).toBe(200);
    expect(await readBody(response)).toBe('pinned \u{1f600}');
    expect(seen).toEqual([
      { host: `pinned.invalid:${port}`, url: '/path?q=%E2%82%AC', agent: 'gemloop-test' },
    ]);
  });

  it('resolves with the head of an error status, leaving the status to the caller', async () => {
    const port = await listen((_request, response) => {
      response.statusCode = 404;
      response.end('missing');
    });
    const response = await requestOnce({
      url: new URL(`http://site.invalid:${port}/`),
      addresses: loopback,
      headers: {},
      signal: new AbortController().signal,
    });
    expect(response.statusCode).toBe(404);
    await readBody(response);
  });

  it('opens a fresh connection for every request, never a pooled one', async () => {
    const sockets = new Set<unknown>();
    const port = await listen((request, response) => {
      sockets.add(request.socket);
      response.end('ok');
    });
    for (let index = 0; index < 3; index++) {
      const response = await requestOnce({
        url: new URL(`http://fresh.invalid:${port}/${index}`),
        addresses: loopback,
        headers: {},
        signal: new AbortController().signal,
      });
      await readBody(response);
    }
    expect(sockets.size).toBe(3);
  });

  it('reports a refused connection as a network error naming the host', async () => {
    const port = await closedPort();
    const error = await requestOnce({
      url: new URL(`http://down.invalid:${port}/`),
      addresses: loopback,
      headers: {},
      signal: new AbortController().signal,
    }).catch((caught: unknown) => caught);
    expect(WebFetchError.isInstance(error)).toBe(true);
    expect((error as WebFetchError).reason).toBe('network');
    expect((error as WebFetchError).message).toBe(
      `Could not get a response from down.invalid:${port}: the connection was refused. The site may be down; try again later or use another source.`,
    );
  });

  it('rejects with the signal reason when aborted before sending, without connecting', async () => {
    let requests = 0;
    const port = await listen((_request, response) => {
      requests++;
      response.end();
    });
    const controller = new AbortController();
    const reason = new Error('cancelled first');
    controller.abort(reason);
    await expect(
      requestOnce({
        url: new URL(`http://early.invalid:${port}/`),
        addresses: loopback,
        headers: {},
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
    expect(requests).toBe(0);
  });

  it('rejects with the signal reason when aborted while the server has not answered', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled while waiting');
    const port = await listen(() => {
      // Never answers; the abort must end the wait.
      controller.abort(reason);
    });
    await expect(
      requestOnce({
        url: new URL(`http://hang.invalid:${port}/`),
        addresses: loopback,
        headers: {},
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
  });

  it('reports a server that drops the connection without answering as a reset', async () => {
    const port = await listen((request) => {
      request.socket.destroy();
    });
    const error = await requestOnce({
      url: new URL(`http://drop.invalid:${port}/`),
      addresses: loopback,
      headers: {},
      signal: new AbortController().signal,
    }).catch((caught: unknown) => caught);
    expect((error as WebFetchError).reason).toBe('network');
    expect((error as WebFetchError).message).toContain('the connection was reset');
  });

  it('serves 20 concurrent requests, each with its own answer', async () => {
    const port = await listen((request, response) => {
      response.end(request.url);
    });
    const bodies = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const response = await requestOnce({
          url: new URL(`http://many.invalid:${port}/${index}`),
          addresses: loopback,
          headers: {},
          signal: new AbortController().signal,
        });
        return readBody(response);
      }),
    );
    expect(bodies).toEqual(Array.from({ length: 20 }, (_, index) => `/${index}`));
  });
});
