// A base URL that answers 200 with something other than Gemini (a gateway's web site, its
// console, a captive portal's login page): the auth lines must say so, not that the key was
// refused, and must not advise switching the auth header.

import { type LoopbackServer, listenOnLoopback } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBE_WORKAROUNDS } from './probe-workarounds.ts';
import { runProbe } from './run-probe.ts';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(contentType: string, body: string): Promise<string> {
  const server = await listenOnLoopback((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': contentType });
    response.end(body);
  });
  servers.push(server);
  return server.url;
}

describe('runProbe against a 200 that is not a Gemini answer', () => {
  it('says the answer is not Gemini on both auth lines, naming the content type and the base URL', async () => {
    const baseUrl = await serve('text/html; charset=utf-8', '<html><body>Sign in</body></html>');
    const report = await runProbe({ baseUrl, apiKey: 'probe-key-0003' });
    for (const id of ['auth-x-goog-api-key', 'auth-bearer'] as const) {
      const line = report.records.find((record) => record.id === id);
      expect(line?.status).toBe('fail');
      expect(line?.detail).not.toContain('refused');
      expect(line?.detail).toContain('200 that is not a Gemini answer (text/html)');
      expect(line?.detail).toContain('<html><body>Sign in');
      expect(line?.workaround).not.toBe(PROBE_WORKAROUNDS[id]);
      expect(line?.workaround).toContain('--base-url');
    }
  });

  it('still says refused for a 200 that carries a Google error object', async () => {
    const baseUrl = await serve(
      'application/json',
      JSON.stringify({ error: { code: 401, message: 'invalid key', status: 'UNAUTHENTICATED' } }),
    );
    const report = await runProbe({ baseUrl, apiKey: 'probe-key-0003' });
    const line = report.records.find((record) => record.id === 'auth-bearer');
    expect(line?.detail).toBe('refused: 200 invalid key');
    expect(line?.workaround).toBe(PROBE_WORKAROUNDS['auth-bearer']);
  });
});
