import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendThenRead } from '../../../testing/src/__fixtures__/send-then-read.ts';
import { type FetchHandler, toNodeListener } from './to-node-listener.ts';

// A Fetch-API handler on node:http, seen from a raw HTTP client on 127.0.0.1: the Request the
// handler gets (URL, headers, body, signal) and the response the client gets (status, every
// header, the body, a handler that throws).

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serve(handler: FetchHandler): Promise<number> {
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** One raw request: any path, any headers; the status, headers and body that came back. */
function send(
  port: number,
  options: {
    path?: string;
    method?: string;
    headers?: Record<string, string | string[]>;
    body?: string;
  } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('toNodeListener', () => {
  it('gives the handler the URL with the client`s Host, or localhost for a Host that is not one', async () => {
    const urls: string[] = [];
    const port = await serve(async (request) => {
      urls.push(request.url);
      return new Response('ok');
    });
    await send(port, { path: '/a?b=1', headers: { host: 'agents.example:8080' } });
    await send(port, { path: '/a', headers: { host: 'evil.example/path@x' } });
    expect(urls).toEqual(['http://agents.example:8080/a?b=1', 'http://localhost/a']);
  });

  it('reads a path that starts with two slashes (or a backslash) as a path, never as another host', async () => {
    const urls: URL[] = [];
    const port = await serve(async (request) => {
      urls.push(new URL(request.url));
      return new Response('ok');
    });
    await send(port, {
      path: '//evil.example/.well-known/agent-card.json',
      headers: { host: 'agents.example' },
    });
    await send(port, { path: '/\\evil.example/x', headers: { host: 'agents.example' } });
    expect(urls.map((url) => url.host)).toEqual(['agents.example', 'agents.example']);
    expect(urls[0]?.pathname).toBe('//evil.example/.well-known/agent-card.json');
  });

  it('passes repeated request headers and the body of a POST; a GET has none', async () => {
    const seen: { method: string; accept: string | null; body: string }[] = [];
    const port = await serve(async (request) => {
      seen.push({
        method: request.method,
        accept: request.headers.get('x-tag'),
        body: request.body === null ? '(none)' : await request.text(),
      });
      return new Response(null, { status: 204 });
    });
    await send(port, {
      method: 'POST',
      headers: { 'x-tag': ['a', 'b'], 'content-type': 'application/json' },
      body: '{"q":"é"}',
    });
    await send(port);
    expect(seen).toEqual([
      { method: 'POST', accept: 'a, b', body: '{"q":"é"}' },
      { method: 'GET', accept: null, body: '(none)' },
    ]);
  });

  it('sends the status, each Set-Cookie apart, and the body', async () => {
    const port = await serve(async () => {
      const headers = new Headers({ 'content-type': 'text/plain', 'x-door': 'mcp' });
      headers.append('set-cookie', 'a=1; HttpOnly');
      headers.append('set-cookie', 'b=2; Secure');
      return new Response('created', { status: 201, headers });
    });
    const answer = await send(port);
    expect(answer).toMatchObject({ status: 201, body: 'created' });
    expect(answer.headers['x-door']).toBe('mcp');
    expect(answer.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2; Secure']);
  });

  it('answers 500 with no words when the handler throws', async () => {
    const port = await serve(async () => {
      throw new Error('database password is hunter2');
    });
    const answer = await send(port);
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('');
  });

  it('asks the client to close a connection whose body the handler did not read', async () => {
    const port = await serve(async () => new Response('too large', { status: 413 }));
    // The body's first chunk only: the answer comes while the rest is still to be sent.
    const answer = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/',
            method: 'POST',
            headers: { 'transfer-encoding': 'chunked' },
            agent: false,
          },
          (response) => {
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
            response.resume();
            outgoing.destroy();
          },
        );
        outgoing.on('error', () => {});
        outgoing.write('x'.repeat(1000));
        setTimeout(() => reject(new Error('hang guard')), 30_000).unref();
      },
    );
    expect(answer).toEqual({ status: 413, connection: 'close' });
  });

  it('aborts the request`s signal when the client goes away mid-stream', async () => {
    let aborted: (() => void) | undefined;
    const gone = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const port = await serve(async (request) => {
      request.signal.addEventListener('abort', () => aborted?.());
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: first\n\n'));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: '/', agent: false },
        (response) => {
          response.once('data', () => {
            outgoing.destroy();
            resolve();
          });
        },
      );
      outgoing.on('error', () => {});
      outgoing.on('close', () => resolve());
      outgoing.end();
      setTimeout(() => reject(new Error('hang guard')), 30_000).unref();
    });
    await gone;
  });

  it('drops the connection of a body that fails half-way: the client sees no clean end', async () => {
    const port = await serve(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: first\n\n'));
          setImmediate(() => controller.error(new Error('the producer failed')));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const outcome = await new Promise<string>((resolve) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: '/', agent: false },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          // A clean end would say the answer was whole; an aborted one that it was cut.
          response.on('end', () => resolve(`ended: ${body}`));
          response.on('aborted', () => resolve(`aborted: ${body}`));
          response.on('error', () => resolve(`aborted: ${body}`));
        },
      );
      outgoing.on('error', () => resolve('aborted: (request error)'));
      outgoing.end();
    });
    expect(outcome.startsWith('aborted: ')).toBe(true);
  });
});

// A door that refuses before it read the body (a 401 without the key, a 413 over its limit) used
// to close the socket with the rest of a large body unread: the kernel's reset could reach the
// client before the answer did, which then read ECONNRESET or EPIPE, not the status.
describe('an answer given before the body was read', () => {
  const BIG = 20 * 1024 * 1024;

  /** A raw POST of `bytes` bytes (Content-Length), written at once: the status, or the error. */
  function post(port: number, bytes: number): Promise<number | string> {
    return new Promise((resolve) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: '/', method: 'POST', agent: false },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', (error) => resolve(`response ${(error as { code?: string }).code}`));
        },
      );
      outgoing.on('error', (error) => resolve((error as { code?: string }).code ?? 'error'));
      outgoing.end(Buffer.alloc(bytes, 120));
    });
  }

  /**
   * A client that sends the whole request before it reads the answer (as a simple one does): a
   * raw socket, paused until its 20 MB are written or failed. What it read, or its error's code.
   */
  function sendWholeThenRead(port: number): Promise<string> {
    return sendThenRead({ host: '127.0.0.1', port }, [
      `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${BIG}\r\n\r\n`,
      Buffer.alloc(BIG, 120),
    ]);
  }

  it('reaches a client that reads only once its body is sent (401 at once, 20 MB)', async () => {
    const port = await serve(async () => new Response('no key', { status: 401 }));
    for (let round = 0; round < 3; round++)
      expect(await sendWholeThenRead(port)).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('reaches a raw HTTP client as its status, a 20 MB body unread (401 at once)', async () => {
    const port = await serve(async () => new Response('no key', { status: 401 }));
    for (let round = 0; round < 3; round++) expect(await post(port, BIG)).toBe(401);
  });

  it('reaches fetch as its status when the door stopped reading at its limit (413)', async () => {
    const port = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.cancel();
      return Response.json({ error: 'too large' }, { status: 413 });
    });
    for (let round = 0; round < 3; round++) {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body: new Uint8Array(BIG),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: 'too large' });
    }
  });

  it('still answers a body it read whole, as before', async () => {
    const port = await serve(
      async (request) => new Response(String((await request.text()).length)),
    );
    const answer = await send(port, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(answer).toMatchObject({ status: 200, body: '100000' });
  });
});
