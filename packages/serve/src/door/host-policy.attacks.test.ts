import { request as httpRequest } from 'node:http';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { createOpenAIHandler } from '../openai/create-openai-handler.ts';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';
import { agentOnFake } from './__fixtures__/serve-door.ts';
import { checkAllowedHosts } from './host-policy.ts';

// DNS rebinding against a door on 127.0.0.1 (attack-doors8, left open by attack-doors7): a page of
// evil.example whose name the attacker re-points at 127.0.0.1 is same-origin with itself, so its
// browser sends a GET without `Origin` and lets the page read the answer. What it cannot change
// is the Host its browser writes: `evil.example:PORT`. Raw HTTP sends exactly that request (a
// browser adds nothing the door reads), so no page is needed to prove it.

type Raw = { status: number; text: string; headers: Record<string, unknown> };

/** One request with the Host header as given (fetch writes its own). */
function raw(
  base: string,
  path: string,
  host: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        setHost: false,
        headers: { host, ...init.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const AUTH = { authorization: `Bearer ${DOOR_KEYS.alice}` };
const JSON_POST = (body: unknown, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { ...AUTH, 'content-type': 'application/json', ...extra },
  body: JSON.stringify(body),
});
const MCP_INIT = JSON_POST(
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'page', version: '1' },
    },
  },
  { accept: 'application/json, text/event-stream' },
);
const A2A_SEND = JSON_POST({
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
});

/** Every door's routes a rebound page would try, GETs and POSTs. */
const ROUTES: [string, string, Parameters<typeof raw>[3]][] = [
  ['OpenAI models', '/v1/models', { headers: AUTH }],
  [
    'OpenAI chat',
    '/v1/chat/completions',
    JSON_POST({ model: 'support', messages: [{ role: 'user', content: 'Hi' }] }),
  ],
  ['MCP initialize', '/mcp', MCP_INIT],
  ['AG-UI run', '/ag-ui', JSON_POST(RUN_INPUT, { accept: 'text/event-stream' })],
  ['A2A card', '/a2a/.well-known/agent-card.json', {}],
  ['A2A send', '/a2a', A2A_SEND],
  ['no door', '/nothing-here', { headers: AUTH }],
];

describe('a door on 127.0.0.1 against DNS rebinding (the Host a rebound page sends)', () => {
  it('refuses Host: evil.example:PORT on every door, 403 naming allowedHosts, before authorize and the model', async () => {
    const { base, fake, asked } = await serveAllDoors();
    const port = new URL(base).port;
    for (const [name, path, init] of ROUTES) {
      for (const host of [`evil.example:${port}`, 'evil.example', `EVIL.example.:${port}`]) {
        const answer = await raw(base, path, host, init);
        expect(answer.status, `${name} ${host}`).toBe(403);
        expect(answer.text, name).toContain('allowedHosts');
        expect(answer.text, name).toContain("allowedHosts: ['evil.example']");
        expect(answer.text, name).not.toMatch(/support|Hello|Support/);
      }
    }
    expect(asked()).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("answers each door's error shape, so a protocol client reads the refusal", async () => {
    const { base } = await serveAllDoors();
    const host = `evil.example:${new URL(base).port}`;
    const openai = JSON.parse((await raw(base, '/v1/models', host, { headers: AUTH })).text);
    expect(openai.error).toMatchObject({ type: 'permission_error', code: 'host_not_allowed' });
    const mcp = JSON.parse((await raw(base, '/mcp', host, MCP_INIT)).text);
    expect(mcp).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    const a2a = JSON.parse((await raw(base, '/a2a', host, A2A_SEND)).text);
    expect(a2a).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    const agUi = JSON.parse(
      (await raw(base, '/ag-ui', host, JSON_POST(RUN_INPUT, { accept: 'text/event-stream' }))).text,
    );
    expect(JSON.stringify(agUi)).toContain('host_not_allowed');
  });

  it('answers loopback names and IP literals as before', async () => {
    const { base } = await serveAllDoors();
    const port = new URL(base).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST.:${port}`,
      `app.localhost:${port}`,
      `[::1]:${port}`,
      `127.1:${port}`,
      `10.0.0.7:${port}`, // an IP literal: no DNS name, nothing to rebind
    ]) {
      const answer = await raw(base, '/v1/models', host, { headers: AUTH });
      expect(answer.status, host).toBe(200);
      expect(answer.text).toContain('support');
    }
  });

  it('refuses a Host that names no host, whatever the list', async () => {
    const { base } = await serveAllDoors({ allowedHosts: ['api.example.com'] });
    for (const host of ['evil@127.0.0.1', 'api.example.com/x', '']) {
      const answer = await raw(base, '/v1/models', host, { headers: AUTH });
      expect(answer.status, JSON.stringify(host)).toBe(403);
      expect(answer.text).toContain('allowedHosts');
      expect(answer.text).not.toContain('evil');
    }
  });

  it("behind a proxy that sets Host to the public name: refused until listed, then answered (exact, '.domain', '*')", async () => {
    const port = new URL((await serveAllDoors()).base).port;
    const before = await serveAllDoors();
    expect(
      (await raw(before.base, '/v1/models', `api.example.com:${port}`, { headers: AUTH })).status,
    ).toBe(403);

    const listed = await serveAllDoors({ allowedHosts: ['api.example.com'] });
    for (const [host, status] of [
      ['api.example.com', 200],
      ['API.Example.com.:443', 200],
      ['evil.example', 403],
      ['sub.api.example.com', 403],
      ['localhost', 200],
    ] as const) {
      expect((await raw(listed.base, '/v1/models', host, { headers: AUTH })).status, host).toBe(
        status,
      );
    }
    const domain = await serveAllDoors({ allowedHosts: ['.example.com'] });
    for (const [host, status] of [
      ['example.com', 200],
      ['a.b.example.com', 200],
      ['badexample.com', 403],
      ['example.com.evil.example', 403],
    ] as const) {
      expect((await raw(domain.base, '/v1/models', host, { headers: AUTH })).status, host).toBe(
        status,
      );
    }
    const any = await serveAllDoors({ allowedHosts: ['*'] });
    expect((await raw(any.base, '/v1/models', 'evil.example', { headers: AUTH })).status).toBe(200);
  });

  it("a door's own list wins over the shared one for that door only", async () => {
    const { agent } = agentOnFake([]);
    const { base } = await serveAllDoors({
      allowedHosts: ['shared.example'],
      openai: { agents: { support: agent }, allowedHosts: ['openai.example'] },
    });
    expect((await raw(base, '/v1/models', 'openai.example', { headers: AUTH })).status).toBe(200);
    expect((await raw(base, '/v1/models', 'shared.example', { headers: AUTH })).status).toBe(403);
    expect((await raw(base, '/a2a/.well-known/agent-card.json', 'shared.example')).status).toBe(
      200,
    );
    expect((await raw(base, '/a2a/.well-known/agent-card.json', 'openai.example')).status).toBe(
      403,
    );
  });
});

describe('the default reads the address the request arrived on', () => {
  const door = (allowedHosts?: readonly string[]) => {
    const { agent } = agentOnFake([]);
    return createOpenAIHandler({
      agents: { support: agent },
      authorize: () => 'alice',
      ...(allowedHosts === undefined ? {} : { allowedHosts }),
    });
  };
  const models = () =>
    new Request('http://api.example.com/v1/models', { headers: { host: 'api.example.com' } });

  it('refuses a foreign name on a loopback address only, unless listed', async () => {
    const handler = door();
    for (const [localAddress, status] of [
      ['127.0.0.1', 403],
      ['127.8.9.10', 403],
      ['::1', 403],
      ['::ffff:127.0.0.1', 403],
      ['10.0.0.5', 200],
      ['::ffff:10.0.0.5', 200],
      ['2001:db8::1', 200],
    ] as const) {
      expect((await handler(models(), { localAddress })).status, localAddress).toBe(status);
    }
    // A server that does not say (Hono, Workers) and lists nothing: answered as before.
    expect((await handler(models())).status).toBe(200);
  });

  it('holds a given list on every address and without a connection', async () => {
    const handler = door(['app.example.com']);
    expect((await handler(models(), { localAddress: '10.0.0.5' })).status).toBe(403);
    expect((await handler(models())).status).toBe(403);
  });
});

describe('allowedHosts is checked', () => {
  it('refuses what is not a host name, with what it probably meant', () => {
    for (const [entry, hint] of [
      ['https://api.example.com/v1', "Did you mean 'api.example.com'?"],
      ['http://localhost:8080', "Did you mean 'localhost'?"],
      ['', undefined],
      ['a b', undefined],
      [42, undefined],
    ] as const) {
      let thrown: unknown;
      try {
        checkAllowedHosts([entry]);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown), String(entry)).toBe(true);
      const message = (thrown as Error).message;
      expect(message).toContain('allowedHosts');
      if (hint !== undefined) expect(message).toContain(hint);
    }
    expect(() => checkAllowedHosts('api.example.com')).toThrow(/array of host names/);
  });

  it('takes names with or without a port, .domain entries and *', () => {
    const policy = checkAllowedHosts(['API.example.com:8443', '.Example.org', '*']);
    expect([...policy.names]).toEqual(['api.example.com']);
    expect(policy.domains).toEqual(['example.org']);
    expect(policy.any).toBe(true);
  });
});
