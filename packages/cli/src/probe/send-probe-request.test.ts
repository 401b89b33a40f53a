// What the probe says when a request gets no answer of the gateway's own: a redirect (never
// followed: the key would go along to wherever it points) and a connection that fails. The line
// must say which, not only "fetch failed", so the user knows what to fix.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from './run-probe.ts';

const KEY = 'probe-redirect-key-0001';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function listen(
  host: string,
  answer: (request: IncomingMessage, respond: (status: number, location?: string) => void) => void,
): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    answer(request, (status, location) => {
      response.writeHead(status, location === undefined ? {} : { location });
      response.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

describe('runProbe, a request without a gateway answer', () => {
  it('names a redirect and where it points, and never sends the key there', async () => {
    const reached: IncomingMessage[] = [];
    const elsewhere = await listen('127.0.0.2', (request, respond) => {
      reached.push(request);
      respond(200);
    });
    const gateway = await listen('127.0.0.1', (request, respond) =>
      respond(307, `${elsewhere}${request.url}`),
    );
    const report = await runProbe({ baseUrl: gateway, apiKey: KEY });
    const auth = report.records.find((record) => record.id === 'auth-x-goog-api-key');
    expect(auth?.detail).toBe(
      `no answer (redirected (HTTP 307) to ${elsewhere}/v1beta/models/gemini-3-flash-preview:generateContent; the probe does not follow redirects, which would take the key along: if that is the gateway, give it as --base-url)`,
    );
    expect(reached).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('names why the connection failed', async () => {
    const closed = await listen('127.0.0.1', (request) => request.socket.destroy());
    const report = await runProbe({ baseUrl: closed, apiKey: KEY });
    const auth = report.records.find((record) => record.id === 'auth-x-goog-api-key');
    expect(auth?.detail).toMatch(/^no answer \(fetch failed: .*(closed|ECONNRESET).*\)$/);
  });

  it('redacts the key in a redirect target before it clips it', async () => {
    const gateway = await listen('127.0.0.1', (_request, respond) =>
      respond(302, `http://127.0.0.2:9/${'x'.repeat(164)}?key=${KEY}`),
    );
    const report = await runProbe({ baseUrl: gateway, apiKey: KEY });
    expect(report.records[0]?.detail).toContain('?key=[redacted]');
    expect(JSON.stringify(report)).not.toContain(KEY.slice(0, 8));
  });
});
