import { afterAll, describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { demoModel } from './demo-model.ts';

// The demo model answers whatever a user types, over the real request path: long pastes, runs of
// punctuation, emoji, a blob without spaces. Each gets a well-formed answer (a text or calls to
// declared tools), never an error or a hang.

const tools = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        description: 'Current weather for a city.',
        parametersJsonSchema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
      {
        name: 'convert_units',
        description: 'Convert a value between units.',
        parametersJsonSchema: {
          type: 'object',
          properties: {
            value: { type: 'number' },
            from: { type: 'string' },
            to: { type: 'string' },
          },
          required: ['value', 'from', 'to'],
        },
      },
      {
        name: 'get_time',
        description: 'Current time in a time zone.',
        parametersJsonSchema: { type: 'object', properties: { timeZone: { type: 'string' } } },
      },
    ],
  },
];

const fake = createFakeGemini({ script: demoModel() });
afterAll(() => fake.close());

describe('demoModel on hostile prompts', () => {
  it.each([
    ['a run of 200,000 dashes', '- '.repeat(200_000)],
    ['a blob of 400,000 letters', 'aB'.repeat(200_000)],
    ['3,000 repeated requests', 'weather in Paris and '.repeat(3_000)],
    ['20,000 emoji', '😀'.repeat(20_000)],
    ['40,000 quotes', '"'.repeat(40_000)],
    ['40,000 open parentheses', '('.repeat(40_000)],
    ['a 40,000-digit number', '1'.repeat(40_000)],
    ['control and bidi characters', '\u0000\u202e\u200b weather in Paris \ufeff'],
    ['nothing but white space', ' \n\t '],
  ])('answers %s with a well-formed answer', async (_case, text) => {
    const { status, json } = await callFake(fake, {
      contents: [{ role: 'user', parts: [{ text }] }],
      tools,
    });
    expect(status).toBe(200);
    const parts = (json as { candidates: { content: { parts: Record<string, unknown>[] } }[] })
      .candidates[0]?.content.parts;
    expect(parts?.length).toBeGreaterThan(0);
    for (const part of parts ?? []) {
      const call = part['functionCall'] as { name: string; args: object } | undefined;
      if (call === undefined) expect(typeof part['text']).toBe('string');
      else expect(['get_weather', 'convert_units', 'get_time']).toContain(call.name);
    }
  });
});
