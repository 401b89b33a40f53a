import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { demoModel } from './demo-model.ts';

// The demo users run before they have a key: the real agent loop, over real HTTP, against the
// fake serving demoModel, which must also pass every contract check the fake enforces.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('demoModel behind the agent loop', () => {
  it('runs a whole tool-using conversation with no API key, on Gemini 3 and 2.5 models', async () => {
    for (const model of ['gemini-3-flash-preview', 'gemini-2.5-flash']) {
      const fake = createFakeGemini({ script: demoModel() });
      fakes.push(fake);
      const { url } = await fake.listen();
      const executed: unknown[] = [];
      const weather = defineTool({
        name: 'get_weather',
        description: 'Current weather for a city.',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }) => {
          executed.push({ city });
          return { city, celsius: city === 'Paris' ? 18 : 24, conditions: 'sunny' };
        },
      });
      const convert = defineTool({
        name: 'convert_temperature',
        description: 'Convert a temperature between Celsius and Fahrenheit.',
        parameters: z.object({
          value: z.number(),
          from: z.enum(['C', 'F']),
          to: z.enum(['C', 'F']),
        }),
        execute: ({ value, from, to }) => {
          executed.push({ value, from, to });
          return { value: from === 'C' && to === 'F' ? (value * 9) / 5 + 32 : value };
        },
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'demo' }),
        model,
        tools: [weather, convert],
      });
      const result = await agent.run(
        "What's the weather in Paris and Tokyo, and convert 20 C to F?",
      );
      // The model's calls in its order (the step keeps call order); each run once, in whichever
      // order the three parallel calls started (the scheduler's to decide).
      const calls = [{ city: 'Paris' }, { city: 'Tokyo' }, { value: 20, from: 'C', to: 'F' }];
      expect(result.steps[0]?.toolCalls.map((call) => call.args)).toEqual(calls);
      expect(executed).toHaveLength(calls.length);
      expect(executed).toEqual(expect.arrayContaining(calls));
      expect(result.text).toContain('Paris');
      expect(result.text).toContain('Tokyo');
      expect(result.text).toContain('68');
      expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200]);
    }
  });

  it.each(['gemini-2.5-flash', 'gemini-3-flash-preview'])(
    'fills a structured answer from the tool results on %s',
    async (model) => {
      const fake = createFakeGemini({ script: demoModel() });
      fakes.push(fake);
      const { url } = await fake.listen();
      const table: Record<string, { location: string; temperatureC: number; conditions: string }> =
        {
          Paris: { location: 'Paris, France', temperatureC: 18, conditions: 'partly cloudy' },
          Tokyo: { location: 'Tokyo, Japan', temperatureC: 24, conditions: 'clear sky' },
          Lima: { location: 'Lima, Peru', temperatureC: 19, conditions: 'overcast' },
        };
      const weather = defineTool({
        name: 'get_weather',
        description: 'Current weather for one city.',
        parameters: z.object({ city: z.string() }),
        execute: ({ city }) => ({
          ...(table[city] ?? { location: city, temperatureC: 0, conditions: 'unknown' }),
          source: 'simulated: test table',
        }),
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'demo' }),
        model,
        tools: [weather],
        output: z.object({
          cities: z.array(
            z.object({
              // Same key as the call's argument, a prefix of the result's key, a synonym.
              city: z.string(),
              temperature: z.number(),
              sky: z.string(),
            }),
          ),
          summary: z.string(),
        }),
      });
      const result = await agent.run("What's the weather in Paris, Tokyo and Lima?");
      expect(result.output?.cities).toEqual([
        { city: 'Paris', temperature: 18, sky: 'partly cloudy' },
        { city: 'Tokyo', temperature: 24, sky: 'clear sky' },
        { city: 'Lima', temperature: 19, sky: 'overcast' },
      ]);
      expect(result.output?.summary).toBe(
        'Paris, France: 18 °C, partly cloudy (simulated). Tokyo, Japan: 24 °C, clear sky (simulated). Lima, Peru: 19 °C, overcast (simulated).',
      );
      const requests = fake.modelRequests.map(
        (request) => request.body as { tools?: unknown; contents: unknown[] },
      );
      if (model === 'gemini-2.5-flash') {
        // Schema and tools cannot go together: a text answer, then a last call without tools
        // whose last user content is gemloop's note, not the question.
        expect(result.steps.map((step) => step.kind)).toEqual(['tools', 'tools', 'final-output']);
        expect(requests[2]?.tools).toBeUndefined();
        expect(JSON.stringify(requests[2]?.contents.at(-1))).toContain('final answer as JSON');
      } else {
        expect(result.steps.map((step) => step.kind)).toEqual(['tools', 'tools']);
      }
    },
  );
});
