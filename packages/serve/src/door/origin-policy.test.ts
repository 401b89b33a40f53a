import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';
import { checkAllowedOrigins } from './origin-policy.ts';

// Every door checks `Origin` alike (doors-policy): a page the door does not admit is a 403 in the
// door's own error shape before `authorize` runs; a server-side client (no `Origin`) is served;
// AG-UI admits a page of its own host by default, the others no page unless listed; a listed
// page gets CORS (preflight and `Access-Control-Allow-Origin` naming it, never `*`).

const EVIL = 'http://evil.example';
const APP = 'https://app.example.com';

const AUTH = { authorization: `Bearer ${DOOR_KEYS.alice}`, 'content-type': 'application/json' };
const MCP_INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
};
/** A request of each door, and the error shape its 403 takes. */
const DOORS: { door: string; path: string; body: unknown; refused: (json: never) => unknown }[] = [
  {
    door: 'openai',
    path: '/v1/chat/completions',
    body: { model: 'support', messages: [{ role: 'user', content: 'Hi' }] },
    refused: (json: { error: { type: string; code: string } }) => [
      json.error.type,
      json.error.code,
    ],
  },
  {
    door: 'mcp',
    path: '/mcp',
    body: MCP_INIT,
    refused: (json: { error: { code: number } }) => json.error.code,
  },
  {
    door: 'agUi',
    path: '/ag-ui',
    body: RUN_INPUT,
    refused: (json: { error: { code: string } }) => json.error.code,
  },
  {
    door: 'a2a',
    path: '/a2a',
    body: {
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: {
        message: {
          kind: 'message',
          messageId: 'm1',
          role: 'user',
          parts: [{ kind: 'text', text: 'Hi' }],
        },
      },
    },
    refused: (json: { error: { code: number } }) => json.error.code,
  },
];
const SHAPES: Record<string, unknown> = {
  openai: ['permission_error', 'origin_not_allowed'],
  mcp: -32000,
  agUi: 'origin_not_allowed',
  a2a: -32600,
};
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { ...AUTH, accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

describe('every door and a page of another origin', () => {
  it.each(DOORS.map((each) => [each.door, each]))(
    '%s: a page of another site is a 403 in the door’s shape, before authorize, with no CORS grant',
    async (door, { path, body, refused }) => {
      const { base, fake, asked } = await serveAllDoors();
      for (const origin of [EVIL, 'null', 'http://127.0.0.1:1']) {
        const response = await post(`${base}${path}`, body, { origin });
        expect(response.status, `${door} ${origin}`).toBe(403);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('vary')).toContain('Origin');
        const text = await response.text();
        expect(text).not.toContain('evil');
        expect(refused(JSON.parse(text) as never)).toEqual(SHAPES[door]);
      }
      expect(asked()).toBe(0);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it.each(DOORS.map((each) => [each.door, each]))(
    '%s: a server-side client (no Origin) is served as before',
    async (door, { path, body }) => {
      const { base, asked } = await serveAllDoors();
      const response = await post(`${base}${path}`, body);
      expect(response.status, door).toBe(200);
      await response.text();
      expect(asked()).toBe(1);
    },
  );

  it('a page of the door’s own host: AG-UI serves it by default, the server-to-server doors do not', async () => {
    const { base } = await serveAllDoors();
    for (const { door, path, body } of DOORS) {
      const response = await post(`${base}${path}`, body, { origin: base });
      await response.text();
      expect(response.status, door).toBe(door === 'agUi' ? 200 : 403);
    }
  });

  it('a listed page gets its preflight answered and every answer names it, at every door', async () => {
    const { base, asked } = await serveAllDoors({ allowedOrigins: [APP] });
    for (const { door, path, body } of DOORS) {
      const preflight = await fetch(`${base}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status, door).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
      const response = await post(`${base}${path}`, body, { origin: APP });
      await response.text();
      expect(response.status, door).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), door).toBe(APP);
      expect(response.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    }
    // The preflights reached no door's authorize: a browser sends them without credentials.
    expect(asked()).toBe(DOORS.length);
    // Given once for all doors, the list replaces AG-UI's 'self': its own host is refused now.
    const own = await post(`${base}/ag-ui`, RUN_INPUT, { origin: base });
    expect(own.status).toBe(403);
  });

  it('a 401 to a listed page still names it, so the page can read why', async () => {
    const { base } = await serveAllDoors({ allowedOrigins: [APP] });
    const response = await fetch(`${base}/v1/models`, { headers: { origin: APP } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('the A2A agent card stays public to any page', async () => {
    const { base } = await serveAllDoors();
    const card = await fetch(`${base}/a2a/.well-known/agent-card.json`, {
      headers: { origin: EVIL },
    });
    expect(card.status).toBe(200);
    expect((await card.json()) as unknown).toMatchObject({ name: 'Support' });
  });
});

describe('allowedOrigins, checked', () => {
  it.each([
    ['app.example.com', "Did you mean 'https://app.example.com'?"],
    ['localhost:3000', "Did you mean 'http://localhost:3000'?"],
    ["'self'", "Did you mean 'self'?"],
    ['same-origin', "Did you mean 'self'?"],
    ['slef', "Did you mean 'self'?"],
    ['*', 'Any origin is not offered'],
  ])('%s is refused with a hint: %s', (entry, hint) => {
    expect(() => checkAllowedOrigins([entry], [])).toThrow(hint);
    expect(() => checkAllowedOrigins([entry], [])).toThrow(/allowedOrigins/);
  });

  it('takes origins in any spelling and self; refuses what is not a list', () => {
    const policy = checkAllowedOrigins(['HTTPS://App.Example.com:443/path', 'self'], []);
    expect([...policy.origins]).toEqual([APP]);
    expect(policy.self).toBe(true);
    expect(checkAllowedOrigins(undefined, ['self']).self).toBe(true);
    expect(() => checkAllowedOrigins(APP, [])).toThrow(/must be an array/);
    expect(() => checkAllowedOrigins([7], [])).toThrow(/not an http\(s\) origin/);
  });
});
