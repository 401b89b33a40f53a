import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { SteeringError } from '../errors/steering-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { cleanUp, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import type { ChatSession } from './chat-session.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';

// A chat session steered while a send is in flight, against the fake Gemini with strictHistory
// (a broken call/response pairing is a 400), on a file store reloaded afterwards.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await cleanUp();
});

const texts = (contents: readonly Content[]): string[] =>
  contents.map(
    (content) =>
      `${content.role}:${(content.parts ?? [])
        .map(
          (part) =>
            part.text ?? (part.functionCall ? 'call' : part.functionResponse ? 'response' : '?'),
        )
        .join('+')}`,
  );

function serve(script: CreateFakeGeminiOptions['script'], onRequest?: (n: number) => void) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  let count = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    onRequest?.(++count);
    return fake.fetch(input, init);
  };
  return createGemini({ fetch, apiKey: 'test-key', retry: false });
}

const lookup = (onExecute?: () => void) =>
  defineTool({
    name: 'lookup',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) => {
      onExecute?.();
      return `found ${q}`;
    },
  });

describe('steering a chat session', () => {
  it('steers the send in flight, saves the steer with its turn, and reloads it from the file', async () => {
    const directory = await temporaryDirectory();
    let chat: ChatSession | undefined;
    const gemini = serve(
      [turn.call('lookup', { q: 'a' }), turn.text('Found a, in metric.'), turn.text('Sure.')],
      (n) => {
        if (n === 1) chat?.steer('Use metric units.');
      },
    );
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup()] });
    chat = createChatSession({ agent, store: createFileHistoryStore({ directory }), id: 'c1' });
    const result = await chat.send('Find a');
    expect(result.text).toBe('Found a, in metric.');
    await chat.close();

    const reloaded = createChatSession({
      agent,
      store: createFileHistoryStore({ directory }),
      id: 'c1',
    });
    expect(texts(await reloaded.history())).toEqual([
      'user:Find a',
      'model:call',
      'user:response',
      'user:Use metric units.',
      'model:Found a, in metric.',
    ]);
    // The stored history with the steer in it is one the API accepts as the next send's history.
    expect((await reloaded.send('Thanks')).text).toBe('Sure.');
    await reloaded.close();
  });

  it('queues a message after the current answer of the send in flight', async () => {
    let chat: ChatSession | undefined;
    const gemini = serve([turn.text('Paris is sunny.'), turn.text('Oslo has snow.')], (n) => {
      if (n === 1) chat?.queue('And Oslo?');
    });
    chat = createChatSession({ agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }) });
    const result = await chat.send('Paris?');
    expect(result.text).toBe('Oslo has snow.');
    expect(texts(await chat.history())).toEqual([
      'user:Paris?',
      'model:Paris is sunny.',
      'user:And Oslo?',
      'model:Oslo has snow.',
    ]);
  });

  it("says in send()'s result what became of each steer: applied, or dropped when the send ended first", async () => {
    let chat: ChatSession | undefined;
    const gemini = serve(
      [turn.call('lookup', { q: 'a' }), turn.call('lookup', { q: 'b' }), turn.text('unused')],
      (n) => {
        if (n === 1) chat?.steer('Use metric units.');
        if (n === 2) chat?.steer('And c.');
      },
    );
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup()],
      maxSteps: 2,
    });
    chat = createChatSession({ agent });
    const result = await chat.send('Find a');
    expect(result.finishReason).toBe('max-steps');
    expect(
      result.steering?.map(
        (steer) =>
          `${steer.status} ${steer.stepNumber} ${steer.reason} ${steer.content.parts?.[0]?.text}`,
      ),
    ).toEqual(['applied 2 undefined Use metric units.', 'dropped 2 run-ended And c.']);
    // The dropped steer is not in the saved turn; the applied one is.
    expect(texts(await chat.history())).toContain('user:Use metric units.');
    expect(texts(await chat.history())).not.toContain('user:And c.');
  });

  it('steers a sendStream through its handle during tool calls, shown as steer events', async () => {
    let stream: ReturnType<ChatSession['sendStream']> | undefined;
    const gemini = serve([turn.call('lookup', { q: 'a' }), turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup(() => stream?.steer('Be brief.'))],
    });
    const chat = createChatSession({ agent });
    stream = chat.sendStream('Find a');
    const events: AgentEvent<unknown>[] = [];
    for await (const event of stream) events.push(event);
    expect(
      events.flatMap((event) =>
        event.type === 'steer' ? [`${event.status} ${event.stepNumber}`] : [],
      ),
    ).toEqual(['received 1', 'applied 2']);
    expect(texts(await chat.history()).slice(2)).toEqual([
      'user:response',
      'user:Be brief.',
      'model:Done.',
    ]);
  });

  it('refuses steer() and queue() with no send in flight, with a typed error', async () => {
    const gemini = serve([turn.text('Hi.')]);
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-3-flash-preview' }),
    });
    expect(() => chat.steer('hello')).toThrow(SteeringError);
    await chat.send('Hello');
    let caught: unknown;
    try {
      chat.queue('later');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ reason: 'no-send-in-flight' });
    expect((caught as Error).message).toContain('chat.send()');
  });
});
