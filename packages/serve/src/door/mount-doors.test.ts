import { HttpAgent } from '@ag-ui/client';
import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createFakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
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
  it('serves the OpenAI, MCP and AG-UI doors and a handler of its own on one server', async () => {
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
      handlers: { '/health': async () => new Response('ok') },
    });
    onTestFinished(() => doors.close());
    expect(doors.paths).toEqual({
      openai: '/v1',
      mcp: '/mcp',
      agUi: '/agent',
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
    });
    onTestFinished(() => doors.close());
    for (const path of ['/v1/models', '/mcp', '/ag-ui']) {
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
    const metadata = await doors.handler(new Request(protectedResource.metadataUrl));
    expect(await metadata.json()).toMatchObject({ resource: 'https://agents.example.com' });
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
