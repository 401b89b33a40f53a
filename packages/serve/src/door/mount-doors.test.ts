import type { Task } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { HttpAgent } from '@ag-ui/client';
import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createFakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { fetchWithToken, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { InsufficientScopeError } from './insufficient-scope-error.ts';
import { mountDoors } from './mount-doors.ts';
import { createProtectedResource } from './protected-resource.ts';

// Every door on one node:http server through one handler, with one authorize and one rate
// limit, each driven by its protocol's official client.

const KEYS = { alice: 'door-alice-0123456789', bob: 'door-bob-9876543210' } as const;

function agentAnswering(...answers: string[]) {
  const fake = createFakeGemini({ script: answers.map((answer) => turn.text(answer)) });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  return createAgent({ gemini, model: 'gemini-2.5-flash' });
}

describe('mountDoors', () => {
  it('serves the OpenAI, MCP, AG-UI and A2A doors and a handler of its own on one server', async () => {
    const owners: string[] = [];
    const doors = mountDoors({
      authorize: (request) => {
        const owner = ownerOfBearer(KEYS, request);
        if (owner !== null) owners.push(owner);
        return owner;
      },
      openai: { agents: { support: agentAnswering('From the OpenAI door.') } },
      mcp: { agents: { support: agentAnswering('From the MCP door.') } },
      agUi: { agent: agentAnswering('From the AG-UI door.'), path: '/agent' },
      a2a: {
        agent: agentAnswering('From the A2A door.'),
        card: { name: 'Support', description: 'Answers.' },
      },
      handlers: { '/health': async () => new Response('ok') },
    });
    onTestFinished(() => doors.close());
    expect(doors.paths).toEqual({
      openai: '/v1',
      mcp: '/mcp',
      agUi: '/agent',
      a2a: '/a2a',
      'handlers["/health"]': '/health',
    });
    const origin = await listenForTest(doors.handler);

    const openai = new OpenAI({ apiKey: KEYS.alice, baseURL: `${origin}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'support',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('From the OpenAI door.');

    const mcp = new Client({ name: 'mount-test', version: '1.0.0' });
    onTestFinished(() => mcp.close());
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${KEYS.bob}` } },
      }),
    );
    const asked = await mcp.callTool({ name: 'ask_support', arguments: { message: 'Hi' } });
    expect(asked.structuredContent).toEqual({ answer: 'From the MCP door.' });

    const agUi = new HttpAgent({
      url: `${origin}/agent`,
      headers: { authorization: `Bearer ${KEYS.alice}` },
    });
    agUi.addMessage({ id: 'm1', role: 'user', content: 'Hi' });
    const run = await agUi.runAgent({});
    expect(JSON.stringify(run.newMessages)).toContain('From the AG-UI door.');

    const a2a = await new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithToken(KEYS.bob) })],
    }).createFromUrl(`${origin}/a2a/`, '.well-known/agent-card.json');
    const task = (await a2a.sendMessage(userMessage('Hi') as never)) as Task;
    expect(JSON.stringify(task.artifacts)).toContain('From the A2A door.');

    expect(await (await fetch(`${origin}/health`)).text()).toBe('ok');
    const missing = await fetch(`${origin}/nowhere`);
    expect(missing.status).toBe(404);
    expect(owners).toContain('alice');
    expect(owners).toContain('bob');
  });

  it("names the protected resource's metadata in every door's 401, and serves it", async () => {
    const protectedResource = createProtectedResource({
      resource: 'https://agents.example.com',
      authorizationServers: ['https://auth.example.com'],
    });
    const doors = mountDoors({
      authorize: () => null,
      protectedResource,
      openai: { agents: { support: agentAnswering() } },
      mcp: { agents: { support: agentAnswering() } },
      agUi: { agent: agentAnswering() },
      a2a: { agent: agentAnswering(), card: { name: 'Support', description: 'Answers.' } },
    });
    onTestFinished(() => doors.close());
    for (const path of ['/v1/models', '/mcp', '/ag-ui', '/a2a']) {
      const response = await doors.handler(
        new Request(`https://agents.example.com${path}`, {
          method: path === '/v1/models' ? 'GET' : 'POST',
          ...(path === '/v1/models'
            ? {}
            : {
                headers: {
                  'content-type': 'application/json',
                  accept: 'application/json, text/event-stream',
                },
                body: '{}',
              }),
        }),
      );
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toBe(protectedResource.challenge);
    }
    // The A2A card says every call needs a bearer token, and where to learn about it.
    const card = await doors.handler(
      new Request('https://agents.example.com/a2a/.well-known/agent-card.json', {
        headers: { 'a2a-version': '1.0' },
      }),
    );
    expect(await card.json()).toMatchObject({
      securitySchemes: {
        oauth: {
          httpAuthSecurityScheme: {
            scheme: 'Bearer',
            description: expect.stringContaining(protectedResource.metadataUrl),
          },
        },
      },
      securityRequirements: [{ schemes: { oauth: {} } }],
    });
    const metadata = await doors.handler(new Request(protectedResource.metadataUrl));
    expect(await metadata.json()).toMatchObject({ resource: 'https://agents.example.com' });
  });

  it('answers a token without a needed scope 403 insufficient_scope at every door, naming the metadata, logging nothing', async () => {
    const protectedResource = createProtectedResource({
      resource: 'https://agents.example.com',
      authorizationServers: ['https://auth.example.com'],
    });
    const errors: unknown[] = [];
    const doors = mountDoors({
      // The app's check: a valid token with scope "read" only, where the doors need "agents".
      authorize: () => {
        throw new InsufficientScopeError({ scopes: ['agents'] });
      },
      protectedResource,
      onError: (error) => void errors.push(error),
      openai: { agents: { support: agentAnswering() } },
      mcp: { agents: { support: agentAnswering() } },
      agUi: { agent: agentAnswering() },
      a2a: { agent: agentAnswering(), card: { name: 'Support', description: 'Answers.' } },
    });
    onTestFinished(() => doors.close());
    const challenge = `Bearer error="insufficient_scope", scope="agents", resource_metadata="${protectedResource.metadataUrl}"`;
    const bodies: Record<string, unknown> = {
      '/v1/chat/completions': {
        error: {
          message: 'The token lacks a scope this request needs.',
          type: 'permission_error',
          param: null,
          code: 'insufficient_scope',
        },
      },
      '/ag-ui': {
        error: {
          message: 'The token lacks a scope this request needs.',
          code: 'insufficient_scope',
        },
      },
      '/a2a': {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'The token lacks a scope this request needs.' },
      },
    };
    for (const path of ['/v1/chat/completions', '/mcp', '/ag-ui', '/a2a']) {
      const response = await doors.handler(
        new Request(`https://agents.example.com${path}`, {
          method: 'POST',
          headers: {
            authorization: 'Bearer read-only-token',
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: '{}',
        }),
      );
      expect(response.status, path).toBe(403);
      expect(response.headers.get('www-authenticate'), path).toBe(challenge);
      const body = await response.text();
      expect(body, path).not.toContain('read-only-token');
      if (bodies[path] !== undefined) expect(JSON.parse(body), path).toEqual(bodies[path]);
    }
    // The `openai` client reads it as PermissionDeniedError.
    const origin = await listenForTest(doors.handler);
    const openai = new OpenAI({
      apiKey: 'read-only-token',
      baseURL: `${origin}/v1`,
      maxRetries: 0,
    });
    const refused = await openai.models.list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(errors).toEqual([]);
  });

  it('shares one rate limit setting, each door counting its own requests', async () => {
    const doors = mountDoors({
      authorize: (request) => ownerOfBearer(KEYS, request),
      rateLimit: { requests: 1, windowMs: 60_000 },
      now: () => 0,
      openai: { agents: { support: agentAnswering() } },
    });
    const models = () =>
      doors.handler(
        new Request('http://x/v1/models', { headers: { authorization: `Bearer ${KEYS.alice}` } }),
      );
    expect((await models()).status).toBe(200);
    expect((await models()).status).toBe(429);
  });

  it('refuses no door, a path used twice or malformed, and a missing authorize', () => {
    const agent = agentAnswering();
    const authorize = () => 'alice';
    for (const [options, argument] of [
      [{ authorize }, 'options'],
      [{ openai: { agents: { support: agent } } }, 'authorize'],
      [{ authorize, mcp: { agents: { support: agent }, path: 'mcp' } }, 'mcp'],
      [{ authorize, mcp: { agents: { support: agent } }, agUi: { agent, path: '/mcp' } }, 'agUi'],
      [{ authorize, handlers: { '/a': 'nope' } }, 'handlers'],
    ] as const) {
      let caught: unknown;
      try {
        mountDoors(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect(caught).toMatchObject({ argument });
    }
  });
});
