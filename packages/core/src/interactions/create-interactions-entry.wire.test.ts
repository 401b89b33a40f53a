import { type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useFakeGemini } from '../agent/__fixtures__/use-fake-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Part } from '../wire/content.ts';
import { interactionsApi } from './interactions-api.ts';

// The agent on the Interactions API against the fake, which streams as the API does: a call's
// arguments as `arguments_delta` pieces, a thought's signature as a `thought_signature` delta.
// Without server state (store: false) every step sends the whole history, signatures included.

const serve = useFakeGemini();

const MODEL = 'gemini-3-flash-preview';
const SIGNATURE = 'c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=';
const seen: unknown[] = [];
const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string(), days: z.number() }),
  execute: (args) => {
    seen.push(args);
    return { forecast: 'sunny' };
  },
});
const failing = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string(), days: z.number() }),
  execute: () => {
    throw new Error('weather service down');
  },
});
const thinkThenCall = turn.raw({
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          { thought: true, text: 'I need the weather.', thoughtSignature: SIGNATURE },
          // Gemini 3 signs the first call of a step too (the fake checks it on its stored history).
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris', days: 3 } },
            thoughtSignature: SIGNATURE,
          },
        ] as Part[],
      },
      finishReason: 'STOP',
    },
  ],
});

/** The fake answering `answer` after the call, and an agent on it streaming in pieces of 4. */
async function agentOn(answer: string, tool = weather, store = false) {
  const { fake, gemini } = await serve({
    script: [thinkThenCall, turn.text(answer)],
    chunkSize: 4,
  });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [tool],
    api: interactionsApi({ store }),
  });
  return { fake, agent };
}

/** The `input` of each interaction the agent created. */
const inputs = (fake: FakeGemini) =>
  fake.requests
    .filter((request) => request.method === 'interactions.create')
    .map((request) => (request.body as { input: { type: string }[] }).input);

describe('the agent on a streamed interaction', () => {
  afterEach(() => {
    seen.length = 0;
  });

  for (const store of [true, false]) {
    it(`runs the tool with the arguments streamed in pieces (store: ${store})`, async () => {
      const { agent } = await agentOn('Sunny.', weather, store);
      const result = await agent.stream('Weather in Paris for 3 days?').result;
      expect(result.text).toBe('Sunny.');
      expect(seen).toEqual([{ city: 'Paris', days: 3 }]);
      expect(result.steps[0]?.toolCalls.map((call) => call.args)).toEqual([
        { city: 'Paris', days: 3 },
      ]);
    });
  }

  it('keeps the streamed thought signature, and sends it back without server state', async () => {
    const { fake, agent } = await agentOn('Sunny.');
    const result = await agent.stream('Weather in Paris for 3 days?').result;
    expect(result.contents[1]?.parts[0]).toMatchObject({
      thought: true,
      thoughtSignature: SIGNATURE,
    });
    const second = inputs(fake)[1];
    // The step goes back as the API gave it: its summary too (it was dropped).
    expect(second?.filter((step) => step.type === 'thought')).toEqual([
      {
        type: 'thought',
        summary: [{ type: 'text', text: 'I need the weather.' }],
        signature: SIGNATURE,
      },
    ]);
  });

  it('sends a failed tool call back with is_error', async () => {
    const { fake, agent } = await agentOn('Sorry.', failing);
    await agent.stream('Weather in Paris for 3 days?').result;
    const results = inputs(fake)[1]?.filter((step) => step.type === 'function_result');
    expect(results).toEqual([
      expect.objectContaining({ type: 'function_result', name: 'get_weather', is_error: true }),
    ]);
    expect(JSON.stringify(results)).toContain('weather service down');
  });

  it('sends a successful result without is_error', async () => {
    const { fake, agent } = await agentOn('Sunny.');
    await agent.run('Weather in Paris for 3 days?');
    const [result] = inputs(fake)[1]?.filter((step) => step.type === 'function_result') ?? [];
    expect(result).toMatchObject({ type: 'function_result', result: { forecast: 'sunny' } });
    expect(result).not.toHaveProperty('is_error');
  });
});

describe('an image the model wrote, on the Interactions API', () => {
  const PNG = 'iVBORw0KGgo=';
  for (const stream of [false, true]) {
    it(`keeps it in the answer and sends it back with its thought step (store: false, ${stream ? 'streamed' : 'unary'})`, async () => {
      // The fake answers the image as `model_output` content (a delta when streamed) and the
      // turn's signature on a thought step before it; it refuses a signature it did not issue.
      // The strict Gemini 3 model checks that; Gemini 3 Pro Image answers the same shapes.
      const { fake, gemini } = await serve({
        script: [
          turn.parts([{ text: 'A cat:' }, { inlineData: { mimeType: 'image/png', data: PNG } }]),
          turn.text('Glad you like it.'),
        ],
        chunkSize: 4,
      });
      const chat = createChatSession({
        agent: createAgent({ gemini, model: MODEL, api: interactionsApi({ store: false }) }),
        id: 'cat',
        store: createMemoryHistoryStore(),
      });
      const send = async (text: string) => {
        if (!stream) return chat.send(text);
        const run = chat.sendStream(text);
        for await (const _event of run) {
          // drained
        }
        return run.result;
      };
      const first = await send('Draw a cat');
      expect(first.contents.at(-1)?.parts).toEqual([
        { thought: true, text: '', thoughtSignature: expect.any(String) },
        { text: 'A cat:' },
        { inlineData: { mimeType: 'image/png', data: PNG } },
      ]);
      expect((await send('Nice')).text).toBe('Glad you like it.');
      const signature = (first.contents.at(-1)?.parts[0] as Part | undefined)?.thoughtSignature;
      expect(inputs(fake)[1]).toEqual([
        { type: 'user_input', content: [{ type: 'text', text: 'Draw a cat' }] },
        { type: 'thought', signature },
        {
          type: 'model_output',
          content: [
            { type: 'text', text: 'A cat:' },
            { type: 'image', data: PNG, mime_type: 'image/png' },
          ],
        },
        { type: 'user_input', content: [{ type: 'text', text: 'Nice' }] },
      ]);
      await chat.close();
    });
  }
});
