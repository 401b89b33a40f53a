import { defineTool } from '@gemloop/core';
import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack51: an agent with an `output` schema served by the OpenAI door. Its answer is JSON, and
// the run may see other text before it: an answer the schema refused (re-asked), or, on a model
// that cannot take a schema beside tools (Gemini 2.5), the tool loop's own answer before the
// call that asks for the JSON. A unary answer is `result.text`, the validated JSON; the streamed
// deltas were every step's text joined (`{"city": 42}{"city":"Paris",…}`), which no client can
// parse, and OpenAI's streams cannot take text back. The stream now sends the validated answer.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ q: z.string() }),
  execute: () => 'Paris, France',
});

const cases: [string, () => FakeTurn[], Record<string, unknown>][] = [
  [
    'an answer the schema refused, then a valid one (Gemini 3)',
    () => [turn.text('{"city": 42}'), turn.text(ANSWER)],
    { model: 'gemini-3-flash-preview' },
  ],
  [
    "the tool loop's prose, then the JSON asked for without tools (Gemini 2.5)",
    () => [
      turn.call('lookup', { q: 'capital of France' }),
      turn.text('It is Paris.'),
      turn.text(ANSWER),
    ],
    { model: 'gemini-2.5-flash', tools: [lookup] },
  ],
];

describe('the OpenAI door and a structured answer (attack51)', () => {
  it.each(cases)('Chat Completions streams what it answers unary: %s', async (_, script, agent) => {
    const unary = await serveOpenAI(script(), { agent: { output: City, ...agent } });
    const answered = await unary.client().chat.completions.create({
      model: 'support-agent',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    expect(answered.choices[0]?.message.content).toBe(ANSWER);

    const streamed = await serveOpenAI(script(), { agent: { output: City, ...agent } });
    const stream = await streamed.client().chat.completions.create({
      model: 'support-agent',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(ANSWER);
    expect(JSON.parse(text)).toEqual({ city: 'Paris', country: 'France' });
  });

  it.each(cases)(
    'Responses streams deltas that join to its done text: %s',
    async (_, script, agent) => {
      const { client } = await serveOpenAI(script(), { agent: { output: City, ...agent } });
      const stream = await client().responses.create({
        model: 'support-agent',
        input: 'Capital of France?',
        stream: true,
      });
      let deltas = '';
      let done: string | undefined;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') deltas += event.delta;
        if (event.type === 'response.output_text.done') done = event.text;
      }
      expect(done).toBe(ANSWER);
      expect(deltas).toBe(ANSWER);
    },
  );
});
