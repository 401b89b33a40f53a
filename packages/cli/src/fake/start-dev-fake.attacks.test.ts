import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFakeFlags } from './parse-fake-flags.ts';
import { type DevFake, startDevFake } from './start-dev-fake.ts';

// `gemloop fake` runs for hours on a developer's machine. A web page the developer visits can
// point a name of its own at 127.0.0.1 (DNS rebinding) and then read the fake's answers as
// same-origin: the prompts it was sent, kept in caches and interactions. The viewer refuses such
// a Host (start-view-server.attacks.test.ts); the fake must too.

let running: DevFake | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A raw request with the Host given, its status and body. */
function send(
  url: string,
  method: string,
  path: string,
  host: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        setHost: false,
        headers: {
          host,
          'x-goog-api-key': 'any-key',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

const SECRET = 'the quarterly numbers nobody outside may read';

describe('gemloop fake attacked from a web page (DNS rebinding)', () => {
  it('binds 127.0.0.1 and refuses a Host of another name, so a page cannot read what the app sent', async () => {
    running = await startDevFake(parseFakeFlags({ port: '0' }, []), { cwd: process.cwd() });
    expect(new URL(running.url).hostname).toBe('127.0.0.1');
    const { port } = new URL(running.url);
    // The developer's app keeps a prompt in a cache, through the right Host.
    const created = await send(
      running.url,
      'POST',
      '/v1beta/cachedContents',
      `127.0.0.1:${port}`,
      JSON.stringify({
        model: 'models/gemini-2.5-flash',
        contents: [{ role: 'user', parts: [{ text: `${SECRET} `.repeat(400) }] }],
      }),
    );
    expect(created.status).toBe(200);
    expect(
      (await send(running.url, 'GET', '/v1beta/cachedContents', `localhost:${port}`)).body,
    ).toContain('cachedContents/');
    // Every loopback spelling is still served (a proxy on another port of this machine too).
    for (const host of [`LOCALHOST:${port}`, `[::1]:${port}`, '127.0.0.2:1', 'localhost']) {
      const read = await send(running.url, 'GET', '/v1beta/cachedContents', host);
      expect(read.status, host).toBe(200);
    }
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `[::2]:${port}`,
    ]) {
      const read = await send(running.url, 'GET', '/v1beta/cachedContents', host);
      expect(read.status, host).toBe(421);
      expect(read.body).not.toContain('cachedContents/');
      const call = await send(
        running.url,
        'POST',
        '/v1beta/models/gemini-2.5-flash:generateContent',
        host,
        JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      );
      expect(call.status, host).toBe(421);
    }
  });
});
