import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';

// Outside attacks on the doors' one `allowedOrigins` check and its CORS (attack-doors7): origins
// spelled as a look-alike of a listed one, `'self'` behind a forged X-Forwarded-Host, a preflight
// asking for more than a page may send, and `Vary: Origin` on every answer the check decides (a
// shared cache that stored an answer without it hands it to a page it was not made for).

const APP = 'https://app.example.com';

const AUTH = { authorization: `Bearer ${DOOR_KEYS.alice}` };
const CHAT = { model: 'support', messages: [{ role: 'user', content: 'Hi' }] };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('allowedOrigins against look-alike origins', () => {
  it('refuses a look-alike of a listed origin, before authorize and with no grant', async () => {
    const { base, fake, asked } = await serveAllDoors({ allowedOrigins: [APP] });
    for (const origin of [
      'https://app.example.com.', // a trailing dot: another origin to the browser
      'http://app.example.com', // the scheme downgraded
      'https://app.example.com:8443',
      'https://xn--pp-8kc.example.com', // "аpp" with a Cyrillic а, as the browser sends it
      'https://app.example.com.evil.example',
      'https://evilapp.example.com',
      'https://app.example.com@evil.example', // userinfo: the host is evil.example
      'null', // a sandboxed iframe, a file:// page
      'file://',
      'https://app.example.com, https://evil.example', // two values folded into one
      'HTTPS://APP.EXAMPLE.COM/../evil',
    ]) {
      const response = await post(`${base}/v1/chat/completions`, CHAT, { origin });
      const text = await response.text();
      // The last spelling is the listed origin itself (a URL's path is no part of an origin).
      if (origin.startsWith('HTTPS://APP')) {
        expect(response.status, origin).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBe(APP);
        continue;
      }
      expect(response.status, origin).toBe(403);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(text).not.toContain('evil');
    }
    expect(asked()).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('admits the listed origin in the spellings a URL reads as it (case, the default port) and names it as the browser does', async () => {
    const { base } = await serveAllDoors({ allowedOrigins: [APP] });
    for (const origin of ['HTTPS://App.Example.COM', 'https://app.example.com:443']) {
      const response = await fetch(`${base}/v1/models`, { headers: { ...AUTH, origin } });
      expect(response.status, origin).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    }
  });
});

describe("'self' behind a proxy", () => {
  it('reads the Host the request was sent to, never X-Forwarded-Host (which any client writes)', async () => {
    const { base, asked } = await serveAllDoors();
    const evil = 'http://evil.example';
    for (const forwarded of ['evil.example', 'evil.example:80', new URL(base).host]) {
      const response = await post(`${base}/ag-ui`, RUN_INPUT, {
        origin: evil,
        'x-forwarded-host': forwarded,
        forwarded: `host=${forwarded}`,
      });
      await response.text();
      expect(response.status, forwarded).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(asked()).toBe(0);
  });
});

describe('a preflight asking for more than a page may send', () => {
  it('grants the doors’ own list whatever it asks, no private-network grant, and nothing to a page not admitted', async () => {
    const { base, asked } = await serveAllDoors({ allowedOrigins: [APP] });
    const ask = (origin: string) =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'x-admin, cookie, gemloop-internal, authorization',
          'access-control-request-private-network': 'true',
        },
      });
    const admitted = await ask(APP);
    expect(admitted.status).toBe(204);
    const allowedHeaders = admitted.headers.get('access-control-allow-headers') ?? '';
    expect(allowedHeaders).not.toMatch(/x-admin|cookie|gemloop-internal/);
    expect(admitted.headers.get('access-control-allow-methods')).not.toContain('PUT');
    expect(admitted.headers.get('access-control-allow-private-network')).toBeNull();
    expect(admitted.headers.get('vary')).toContain('Origin');
    const refused = await ask('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
    expect(refused.headers.get('access-control-allow-private-network')).toBeNull();
    expect(asked()).toBe(0);
  });
});

describe('Vary: Origin on every answer the Origin check decides', () => {
  // The Fetch standard, "CORS protocol and HTTP caches": a server that sets
  // Access-Control-Allow-Origin by the request's Origin sends `Vary: Origin` on every answer,
  // also on one without the header, or a shared cache serves the answer stored for a request
  // without Origin (a server-side client) to a listed page, which cannot read it, or the 403 of a
  // refused page to everyone.
  it.each([
    ['openai', '/v1/models'],
    ['mcp', '/mcp'],
  ])('%s: a GET without Origin names Origin in Vary', async (_door, path) => {
    const { base } = await serveAllDoors({ allowedOrigins: [APP] });
    const response = await fetch(`${base}${path}`, {
      headers: { ...AUTH, accept: 'application/json, text/event-stream' },
    });
    await response.body?.cancel();
    expect(response.headers.get('vary') ?? '', path).toMatch(/(^|,\s*)Origin(\s*,|$)/i);
  });

  it('a preflight of a page not admitted (the door’s 405) names Origin in Vary', async () => {
    const { base } = await serveAllDoors({ allowedOrigins: [APP] });
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await response.text();
    expect(response.headers.get('vary') ?? '').toMatch(/Origin/i);
  });

  it('the A2A agent card, the same to every page, keeps its own Vary', async () => {
    const { base } = await serveAllDoors({ allowedOrigins: [APP] });
    const card = await fetch(`${base}/a2a/.well-known/agent-card.json`);
    await card.text();
    expect(card.status).toBe(200);
    expect(card.headers.get('vary') ?? '').not.toMatch(/Origin/i);
  });
});
