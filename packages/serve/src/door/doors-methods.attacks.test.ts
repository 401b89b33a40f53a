import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';

// Every route of every door asked with the methods a browser, a proxy or a scanner sends
// (attack-doors5): a CORS preflight, HEAD, PUT. A method a route does not take is a 405 that says
// which it takes (`Allow`, which RFC 9110 section 15.5.6 requires of a 405), a GET route answers
// HEAD (section 9.1), and no door answers a cross-origin page with `Access-Control-Allow-Origin`.

const KEYS = { alice: 'door-alice-0123456789' } as const;

async function serveAll() {
  const fake = createFakeGemini({ script: [] });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(KEYS, request),
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  return { origin: await listenForTest(doors.handler), fake };
}

const ROUTES: [path: string, allow: string][] = [
  ['/v1/chat/completions', 'POST'],
  ['/v1/responses', 'POST'],
  ['/v1/models', 'GET, HEAD'],
  ['/v1/models/support', 'GET, HEAD'],
  ['/v1/responses/resp_1', 'GET, HEAD, DELETE'],
  ['/ag-ui', 'POST'],
  ['/a2a', 'POST'],
  ['/a2a/.well-known/agent-card.json', 'GET, HEAD'],
  ['/mcp', 'GET, POST, DELETE'],
];

describe('the doors asked with other methods', () => {
  it.each(ROUTES)(
    '%s: OPTIONS and PUT are a 405 naming %s in Allow, with no CORS grant',
    async (path, allow) => {
      const { origin, fake } = await serveAll();
      for (const method of ['OPTIONS', 'PUT']) {
        const response = await fetch(`${origin}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${KEYS.alice}`,
            origin: 'http://evil.example',
            'access-control-request-method': 'POST',
          },
        });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(await response.json()).toBeTypeOf('object');
      }
      expect(fake.requests).toHaveLength(0);
    },
  );

  it.each(ROUTES.filter(([, allow]) => allow.includes('HEAD')).map(([path]) => path))(
    'HEAD %s answers as GET does, without a body',
    async (path) => {
      const { origin } = await serveAll();
      const init = { headers: { authorization: `Bearer ${KEYS.alice}` } };
      const get = await fetch(`${origin}${path}`, init);
      const head = await fetch(`${origin}${path}`, { ...init, method: 'HEAD' });
      expect(head.status).toBe(get.status);
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(await head.text()).toBe('');
    },
  );

  it('a preflight or a PUT without credentials is the same 405 on every door, no CORS grant', async () => {
    const { origin } = await serveAll();
    // Before: the MCP door asked for credentials (401 and a challenge) where the others said
    // the method is not one they take (attack44a): a method no door serves is refused as such,
    // whoever asks.
    for (const [path, allow] of ROUTES) {
      for (const method of ['OPTIONS', 'PUT']) {
        const response = await fetch(`${origin}${path}`, {
          method,
          headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
        });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
        expect(response.headers.get('www-authenticate'), `${method} ${path}`).toBeNull();
        expect(response.headers.get('access-control-allow-origin'), path).toBeNull();
        expect(response.headers.get('access-control-allow-credentials'), path).toBeNull();
      }
    }
  });
});
