import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { interactionsApi } from './interactions-api.ts';

// attack65a: the agent's prompt cache (`cache` option) on the Interactions API. The cache plugin
// sends each call with `cachedContent` and without the system instruction and tools the cache
// holds; an Interactions request has no field for `cachedContent`, so the call went with neither,
// and the model answered as if the agent had no instructions and no tools, while
// `result.cache.status` said `active`.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;

describe('interactionsApi() with the cache option', () => {
  it('is refused when the agent is made, naming cache and why', () => {
    const gemini = createGemini({ baseUrl: 'http://127.0.0.1:9', apiKey: 'test-key' });
    let caught: unknown;
    try {
      createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: true,
        api: interactionsApi(),
      });
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ argument: 'cache' });
    expect((caught as Error).message).toMatch(/Interactions API/);
  });

  it("the agent's instructions reach the model without the cache (held)", async () => {
    const fake = createFakeGemini({
      script: (request) =>
        turn.text(JSON.stringify(request.body).includes('lease') ? 'LEASE' : 'WHO?'),
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      api: interactionsApi(),
    });
    expect((await agent.run('Who are you?')).text).toBe('LEASE');
    expect((await agent.stream('Who are you?').result).text).toBe('LEASE');
  });

  it("no cache, and api: 'generateContent' with one, are taken", () => {
    const gemini = createGemini({ baseUrl: 'http://127.0.0.1:9', apiKey: 'test-key' });
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', api: interactionsApi() }),
    ).not.toThrow();
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', cache: true, api: 'generateContent' }),
    ).not.toThrow();
  });
});
