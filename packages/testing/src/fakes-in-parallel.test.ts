import { createAgent, createGemini, defineTool, type Gemini } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFakeGemini } from './create-fake-gemini.ts';
import { turn } from './script/fake-turn.ts';

// Users' suites run their agent tests side by side (`test.concurrent`, several fakes in one
// process) and snapshot what went over the wire: each fake must keep to its own script and
// requests, and the recorded requests must be the same bytes run after run.
const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperatureC: 18 }),
});

async function weatherRun(gemini: Gemini, city: string): Promise<string> {
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getWeather] });
  return (await agent.run(`Weather in ${city}?`)).text;
}

function scriptFor(city: string) {
  return [turn.calls([{ name: 'get_weather', args: { city } }]), turn.text(`18 °C in ${city}.`)];
}

describe('fakes side by side', () => {
  const cities = ['Paris', 'Lima', 'Oslo', 'Pune', 'Quito', 'Rome'];
  it.concurrent.each(cities.map((city, index) => [city, index % 2 === 0 ? 'listen' : 'fetch']))(
    '%s over %s answers from its own fake only',
    async (city, mode) => {
      await using fake = createFakeGemini({ script: scriptFor(city) });
      const gemini =
        mode === 'listen'
          ? createGemini({ baseUrl: (await fake.listen()).url, apiKey: 'test-key' })
          : createGemini({ fetch: fake.fetch, apiKey: 'test-key' });
      expect(await weatherRun(gemini, city)).toBe(`18 °C in ${city}.`);
      expect(fake.modelRequests).toHaveLength(2);
      expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).toContain(city);
    },
  );

  it('records the same requests run after run (bodies and, in process, headers)', async () => {
    const recorded = async () => {
      await using fake = createFakeGemini({ script: scriptFor('Paris') });
      await weatherRun(createGemini({ fetch: fake.fetch, apiKey: 'test-key' }), 'Paris');
      return fake.modelRequests.map(({ method, url, headers, body }) => ({
        method,
        url,
        headers,
        body,
      }));
    };
    const first = await recorded();
    expect(await recorded()).toEqual(first);
    expect(first[0]?.headers['host']).toBe('generativelanguage.googleapis.com');
  });
});
