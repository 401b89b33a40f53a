import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type FetchHandler, toNodeListener } from './to-node-listener.ts';

// The node adapter tried from outside with raw bytes a well-behaved HTTP client never sends
// (attack-doors5): a request line the URL parser refuses, a gzip bomb, a body framed twice.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A handler on 127.0.0.1 that records what it was given; `seen` lists each request's URL and body size. */
async function serve(): Promise<{ port: number; seen: { url: string; bytes: number }[] }> {
  const seen: { url: string; bytes: number }[] = [];
  const handler: FetchHandler = async (request) => {
    const body = request.body === null ? 0 : (await request.arrayBuffer()).byteLength;
    seen.push({ url: request.url, bytes: body });
    return Response.json({ ok: true });
  };
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

/** Raw bytes on a socket; everything the server wrote back until it closed. */
function raw(port: number, data: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.end(data);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);

describe('toNodeListener under an outside attack', () => {
  it.each([
    ['an absolute-form URL with a broken host', 'http://[::1/v1/models'],
    ['an absolute-form URL with a port out of range', 'http://a:99999/x'],
  ])('%s is a 400 with a JSON body, and reaches no handler', async (_, target) => {
    // Before: `new URL` threw outside the handler, and the client got a 500 labelled JSON with
    // an empty body, as if the server had failed.
    const { port, seen } = await serve();
    const answer = await raw(
      port,
      `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(400);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(body).toMatch(/request target/);
    expect(seen).toEqual([]);
  });

  it('hands the handler a gzip bomb as the bytes sent, never inflated (Content-Encoding is not undone)', async () => {
    const { port, seen } = await serve();
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const head = `POST /x HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: ${bomb.length}\r\nConnection: close\r\n\r\n`;
    const answer = await raw(port, Buffer.concat([Buffer.from(head), bomb]));
    expect(statusOf(answer)).toBe(200);
    expect(seen).toEqual([{ url: 'http://a/x', bytes: bomb.length }]);
    expect(bomb.length).toBeLessThan(100 * 1024);
  });

  it('refuses a body framed by both Transfer-Encoding and Content-Length (request smuggling) before any handler', async () => {
    const { port, seen } = await serve();
    const body = '{"a":1}';
    const answer = await raw(
      port,
      `POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(400);
    expect(seen).toEqual([]);
  });
});
