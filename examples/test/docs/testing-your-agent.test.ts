// Guide "Testing your agent with the fake": a whole test file, run by the examples' test project.
import { createAgent, createGemini, defineTool, type Gemini } from '@gemloop/core';
import type { GenerateContentBody } from '@gemloop/core/wire';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

// The code under test: your agent, built by a function that takes the client.
function createWeatherAgent(gemini: Gemini) {
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, temperatureC: 18 }),
  });
  return createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getWeather] });
}

describe('the weather agent', () => {
  let fake: FakeGemini;
  afterEach(() => fake.close());

  it('calls get_weather and answers with its result', async () => {
    fake = createFakeGemini({
      script: [
        turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
        turn.text('18 °C in Paris.'),
      ],
    });
    const { url } = await fake.listen();
    const agent = createWeatherAgent(createGemini({ baseUrl: url, apiKey: 'test-key' }));

    const result = await agent.run('Weather in Paris?');

    expect(result.text).toBe('18 °C in Paris.');
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual({ city: 'Paris', temperatureC: 18 });
    // What went over the wire: the declaration, then the function response, in the second call.
    expect(fake.modelRequests).toHaveLength(2);
    const [first, second] = fake.modelRequests.map(
      (request) => request.body as GenerateContentBody,
    );
    expect(first?.tools?.[0]?.functionDeclarations?.[0]?.name).toBe('get_weather');
    expect(second?.contents.at(-1)?.parts?.[0]?.functionResponse?.response).toEqual({
      city: 'Paris',
      temperatureC: 18,
    });
  });

  it('lets the model correct a bad argument', async () => {
    fake = createFakeGemini({
      script: [
        turn.calls([{ name: 'get_weather', args: { town: 'Paris' } }]), // not the schema
        turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
        turn.text('18 °C in Paris.'),
      ],
    });
    const agent = createWeatherAgent(createGemini({ fetch: fake.fetch, apiKey: 'test-key' }));

    const result = await agent.run('Weather in Paris?');

    expect(result.steps.map((step) => step.toolCalls[0]?.outcome)).toEqual([
      'invalid-args',
      'success',
      undefined,
    ]);
    expect(result.text).toBe('18 °C in Paris.');
  });

  it('retries a rate limit and still answers', async () => {
    fake = createFakeGemini({ script: [turn.text('Hello.')] });
    fake.failNext({ type: 'rate-limit', retryDelaySeconds: 0 });
    const gemini = createGemini({
      fetch: fake.fetch, // in-process: no port at all
      apiKey: 'test-key',
      retry: { initialDelayMs: 0, jitter: false },
    });

    const result = await createWeatherAgent(gemini).run('Hi');

    expect(result.text).toBe('Hello.');
    expect(fake.requests).toHaveLength(2); // the 429, then the answer
  });
});
