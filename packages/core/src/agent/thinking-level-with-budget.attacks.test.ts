import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatSession } from '../chat/create-chat-session.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createAgent } from './create-agent.ts';

// A raw `thinkingConfig` with both a level and a budget (leftovers66, noticed by attack51): the
// API answers it with a 400 ("You can only set only one of thinking budget and thinking level.",
// as the fake does), so every entry that takes a raw `generationConfig` refuses it before a
// request leaves, naming both fields and the fix. The OpenAI door maps OpenAI's fields to a run's
// generationConfig and passes no raw thinkingConfig; a durable start checks it with the same
// checkGenerationConfig (packages/dbos start-run.ts).

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve() {
  const fake = createFakeGemini({ script: [turn.text('Never sent.')] });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, url, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const both = { thinkingConfig: { thinkingLevel: 'low', thinkingBudget: 1024 } } as const;
const model = 'gemini-3-flash-preview';

async function refusalOf(
  action: () => unknown,
  fields = 'thinkingLevel and thinkingBudget',
): Promise<InvalidArgumentError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(InvalidArgumentError.isInstance(caught), String(caught)).toBe(true);
  const error = caught as InvalidArgumentError;
  expect(error.message).toContain(`sets both ${fields}`);
  expect(error.message).toContain('Keep one');
  return error;
}

describe('a thinkingConfig with both thinkingLevel and thinkingBudget', () => {
  it('is refused as an agent option, before any request', async () => {
    const { fake, gemini } = await serve();
    const error = await refusalOf(() => createAgent({ gemini, model, generationConfig: both }));
    expect(error.argument).toBe('generationConfig.thinkingConfig');
    expect(fake.requests).toHaveLength(0);
  });

  it('is refused as a run option of run and stream, and of a chat send and sendStream', async () => {
    const { fake, gemini } = await serve();
    const agent = createAgent({ gemini, model });
    const chat = createChatSession({ agent });
    const entries: Array<() => unknown> = [
      () => agent.run('Hi', { generationConfig: both }),
      () => agent.stream('Hi', { generationConfig: both }).result,
      () => chat.send('Hi', { generationConfig: both }),
      () => chat.sendStream('Hi', { generationConfig: both }).result,
    ];
    for (const entry of entries) {
      expect((await refusalOf(entry)).argument).toBe('options.generationConfig.thinkingConfig');
    }
    expect(fake.requests).toHaveLength(0);
    expect(await chat.turns()).toHaveLength(0);
  });

  it('is refused by the client’s generateContent and streamGenerateContent, in either spelling', async () => {
    const { fake, gemini } = await serve();
    await refusalOf(() =>
      gemini.generateContent({ model, contents: 'Hi', generationConfig: both }),
    );
    const snake = await refusalOf(async () => {
      const stream = gemini.streamGenerateContent({
        model,
        contents: 'Hi',
        generationConfig: {
          thinking_config: { thinking_level: 'LOW', thinking_budget: 0 },
        } as never,
      });
      for await (const _chunk of stream) {
        // A refusal comes before the first chunk.
      }
    }, 'thinking_level and thinking_budget');
    expect(snake.argument).toBe('request.generationConfig.thinkingConfig');
    expect(fake.requests).toHaveLength(0);
  });

  it('the fake answers it as the API does when it is sent anyway (what the refusal spares)', async () => {
    const { url } = await serve();
    const response = await fetch(`${url}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        generationConfig: both,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('only one of thinking budget and thinking level');
  });
});
