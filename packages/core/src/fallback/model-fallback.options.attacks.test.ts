import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ThinkingOption } from '../agent/config/agent-options.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { modelFallback } from './model-fallback.ts';

// attack65a: a fallback model the agent's options cannot be resolved for (`thinking: 'off'` on
// Gemini 2.5 Pro, which refuses budget 0; any `thinking` on Gemini 2.0 Flash, which has none).
// The chain was first tried at the outage it was made for: the agent's model's 503 fell back, the
// call to the fallback was refused before it left, and the run ended on an InvalidArgumentError
// (`argument: 'thinking'`, "Remove thinking") that named neither the fallback nor the 503.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** The whole chain of an error's causes. */
function chainOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at !== undefined && chain.length < 10; at = (at as Error).cause)
    chain.push(at);
  return chain;
}

async function fakeWith(failing: string) {
  const fake = createFakeGemini({
    script: () => turn.text('ok'),
    faults: [{ fault: { type: 'overloaded' }, on: ({ model }) => model === failing }],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const cases: [string, string, ThinkingOption][] = [
  ['gemini-2.5-flash', 'gemini-2.5-pro', 'off'],
  ['gemini-3-flash-preview', 'gemini-2.5-pro', { budget: 0 }],
  ['gemini-2.5-flash', 'gemini-2.0-flash', 'low'],
];

describe('modelFallback to a model that cannot take the agent options', () => {
  for (const [model, fallback, thinking] of cases) {
    for (const streamed of [false, true]) {
      it(`(${streamed ? 'streamed' : 'unary'}) ${model} → ${fallback} with thinking ${JSON.stringify(thinking)}: refused before any call, naming the fallback`, async () => {
        // The agent's own model answers: the chain is refused before an outage tries it.
        const { fake, gemini } = await fakeWith('none');
        const agent = createAgent({
          gemini,
          model,
          thinking,
          plugins: [modelFallback({ models: ['gemini-2.5-flash-lite', fallback] })],
        });
        const error = await (streamed ? agent.stream('Hi').result : agent.run('Hi')).catch(
          (caught: unknown) => caught,
        );
        const refusal = chainOf(error).find((link) => InvalidArgumentError.isInstance(link)) as
          | InvalidArgumentError
          | undefined;
        expect(refusal, String(error)).toBeDefined();
        expect(refusal?.argument).toBe('modelFallback.models[1]');
        expect(refusal?.message).toContain(fallback);
        expect(refusal?.message).toContain('thinking');
        expect(fake.modelRequests).toHaveLength(0);
      });
    }
  }

  for (const streamed of [false, true]) {
    it(`(${streamed ? 'streamed' : 'unary'}) an agent on a cache of its own (cachedContent): refused before any call, naming the fallback`, async () => {
      // The API answers a call of another model through the cache `400 "Model used by
      // GenerateContent request (models/gemini-2.5-pro) and CachedContent
      // (models/gemini-2.5-flash) has to be the same."`: the run ended on it at the outage.
      const { fake, gemini } = await fakeWith('gemini-2.5-flash');
      const cache = await gemini.caches.create({
        model: 'gemini-2.5-flash',
        contents: [{ role: 'user', parts: [{ text: 'handbook '.repeat(2000) }] }],
        ttlSeconds: 600,
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        cachedContent: cache.name,
        plugins: [modelFallback({ models: ['gemini-2.5-pro'] })],
      });
      const error = await (streamed ? agent.stream('Hi').result : agent.run('Hi')).catch(
        (caught: unknown) => caught,
      );
      const refusal = chainOf(error).find((link) => InvalidArgumentError.isInstance(link)) as
        | InvalidArgumentError
        | undefined;
      expect(refusal, String(error)).toBeDefined();
      expect(refusal?.argument).toBe('modelFallback.models[0]');
      expect(refusal?.message).toContain(String(cache.name));
      expect(refusal?.message).toContain("agent's cache option");
      expect(fake.modelRequests).toHaveLength(0);
    });
  }

  it("a subagent that cannot take its parent's inherited chain runs, and at its outage ends on its own failure", async () => {
    // The parent's fallback (to 2.5 Pro) is inherited by a subagent with thinking off, which 2.5
    // Pro refuses: refusing every run of the subagent for it would break a tree that worked.
    let calls = 0;
    const fake = createFakeGemini({
      script: (request) =>
        request.model === 'gemini-2.5-flash' && calls++ === 0
          ? turn.call('researcher', { task: 'Look it up.' })
          : turn.text('ok'),
      faults: [
        { fault: { type: 'overloaded' }, on: ({ model }) => model === 'gemini-2.5-flash-lite' },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const child = createAgent({ gemini, model: 'gemini-2.5-flash-lite', thinking: 'off' });
    const parent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [subagent(child, { name: 'researcher', description: 'Researches.' })],
      plugins: [modelFallback({ models: ['gemini-2.5-pro'] })],
    });
    const result = await parent.run('Hi');
    expect(result.text).toBe('ok');
    // The child's 503 had no model left to go to (2.5 Pro left out of its chain): its own failure,
    // not a refusal of 2.5 Pro's thinking, is what the parent's model reads.
    const answer = JSON.stringify(result.contents[2]);
    expect(answer).toMatch(/overloaded|503/i);
    expect(answer).not.toMatch(/thinking/);
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
      'gemini-2.5-flash',
    ]);
  });

  it('a chain every model of which takes the options still falls back at the outage', async () => {
    const { fake, gemini } = await fakeWith('gemini-2.5-flash');
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      thinking: 'low',
      plugins: [modelFallback({ models: ['gemini-2.5-pro'] })],
    });
    const result = await agent.run('Hi');
    expect(result.text).toBe('ok');
    expect(result.steps[0]?.model).toBe('gemini-2.5-pro');
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      'gemini-2.5-flash',
      'gemini-2.5-pro',
    ]);
    // Without a fallback the outage is the run's error, as before.
    const alone = createAgent({ gemini, model: 'gemini-2.5-flash', thinking: 'off' });
    expect(ModelCallError.isInstance(await alone.run('Hi').catch((e: unknown) => e))).toBe(true);
  });
});
