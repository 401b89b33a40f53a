import { Agent, get } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dripResponse } from './drip-response.ts';
import { listenOnLoopback } from './listen-on-loopback.ts';

describe('listenOnLoopback', () => {
  it('serves the handler on 127.0.0.1 at the URL it returns', async () => {
    await using server = await listenOnLoopback((request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`${request.method} ${request.url}`);
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(await (await fetch(`${server.url}/a?b=1`)).text()).toBe('GET /a?b=1');
  });

  it('closes with a connection still open (an endless answer), once, however often asked', async () => {
    const server = await listenOnLoopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      dripResponse(response, { head: '', filler: 'x'.repeat(1024), bytes: Infinity, tail: '' });
    });
    const response = await fetch(server.url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect(server.server.listening).toBe(false);
    // The client's side of the endless answer was cut, not left hanging.
    await expect(
      (async () => {
        while (!(await reader.read()).done);
      })(),
    ).rejects.toThrow();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('is closed by `await using` when its scope ends, a thrown error too', async () => {
    let outside: Awaited<ReturnType<typeof listenOnLoopback>> | undefined;
    await expect(
      (async () => {
        await using server = await listenOnLoopback((_request, response) => response.end());
        outside = server;
        throw new Error('an assertion failed');
      })(),
    ).rejects.toThrow('an assertion failed');
    expect(outside?.server.listening).toBe(false);
  });

  // A test's client runs on the server's loop: blocked past Node's idle limit, it wrote its next
  // request on the kept-alive socket as the server's overdue timer destroyed it (ECONNRESET; the
  // A2A door's 413 test at load 24, flake58). The server leaves closing an idle connection to its
  // client.
  it('keeps an idle connection open past Node’s keep-alive timeout (5 s, closed at 6 s) and serves the next request on it', async () => {
    await using server = await listenOnLoopback((_request, response) => response.end('ok'));
    const sockets: Socket[] = [];
    server.server.on('connection', (socket: Socket) => sockets.push(socket));
    // Node's agent keeps the socket as long as the server lets it (no idle limit of its own).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const status = () =>
      new Promise<number | undefined>((resolve, reject) => {
        get(server.url, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        }).on('error', reject);
      });
    try {
      expect(await status()).toBe(200);
      let closed = false;
      sockets[0]?.once('close', () => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(closed).toBe(false);
      expect(await status()).toBe(200);
      expect(sockets).toHaveLength(1);
    } finally {
      agent.destroy();
    }
  });
});
