import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { askAboutAnOrder } from './ask-with-openai.ts';
import { mountInHono, serveOnNode, workerOf } from './serve-on-node.ts';
import { createSupportHandler, ownerOfKey } from './support-handler.ts';
import { supportScript } from './support-script.ts';

// The guide's code (docs/serving-openai-compatible.md) run against the fake Gemini.

const KEY = 'sk-docs-alice-0123456789';

function setup() {
  const fake = createFakeGemini({ script: supportScript });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  return {
    fake,
    ...createSupportHandler({ gemini, model: 'gemini-2.5-flash', keys: { alice: KEY } }),
  };
}

describe('serving an agent as an OpenAI model (the guide)', () => {
  it('answers the openai client on node:http: a two-turn conversation and a streamed completion', async () => {
    const { handler, agent, fake } = setup();
    const { server, baseURL } = await serveOnNode(handler, 0);
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    });
    expect(await askAboutAnOrder(baseURL, KEY)).toEqual({
      first: 'Order A-7 has shipped.',
      next: 'It arrives on Thursday.',
      streamed: 'Order B-2 has shipped too.',
    });
    // The streamed completion's temperature and max_tokens reached each request of its run.
    const configs = fake.modelRequests
      .filter((request) => JSON.stringify(request.body).includes('order B-2'))
      .map((request) => (request.body as { generationConfig?: unknown }).generationConfig);
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs)
      expect(config).toEqual({ temperature: 0.2, maxOutputTokens: 4096 });
  });

  it('serves the same handler in Hono and as a Worker', async () => {
    const { handler } = setup();
    const headers = { authorization: `Bearer ${KEY}` };
    const viaHono = await mountInHono(handler).request('/v1/models', { headers });
    expect((await viaHono.json()).data[0].id).toBe('support-agent');
    const viaWorker = await workerOf(handler).fetch(
      new Request('http://worker.example/v1/models', { headers }),
    );
    expect(viaWorker.status).toBe(200);
  });

  it('ownerOfKey: the owner of a known key, null for any other', () => {
    const authorize = ownerOfKey({ alice: KEY, bob: 'sk-bob' });
    const withKey = (value: string) =>
      new Request('http://x/v1/models', { headers: { authorization: value } });
    expect(authorize(withKey(`Bearer ${KEY}`))).toBe('alice');
    expect(authorize(withKey('Bearer sk-bob'))).toBe('bob');
    expect(authorize(withKey('Bearer sk-bo'))).toBeNull();
    expect(authorize(withKey(KEY.slice(0, -1)))).toBeNull();
    expect(authorize(new Request('http://x/'))).toBeNull();
  });
});
