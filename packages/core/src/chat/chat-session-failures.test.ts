import { readFile } from 'node:fs/promises';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { ChatHistoryCorruptError } from '../errors/chat-history-corrupt-error.ts';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import {
  cleanUp,
  recordingLogger,
  sentContents,
  serve,
  temporaryDirectory,
  thrownBy,
  weather,
} from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { HistoryStore } from './history-store.ts';

afterEach(cleanUp);

const model = 'gemini-3-flash-preview';

/** A store and a snapshot of what it holds for `id`, to compare before and after a send. */
const stores: [string, () => Promise<{ store: HistoryStore; snapshot: () => Promise<unknown> }>][] =
  [
    [
      'memory',
      async () => {
        const store = createMemoryHistoryStore();
        return { store, snapshot: async () => structuredClone(await store.load('s', silent)) };
      },
    ],
    [
      'file',
      async () => {
        const store = createFileHistoryStore({ directory: await temporaryDirectory() });
        return { store, snapshot: () => readFile(store.filePath('s'), 'utf8') };
      },
    ],
  ];
const silent = { logger: recordingLogger() };

describe('a failing chat send', () => {
  it.each(stores)(
    'leaves the %s store exactly as it was when the API fails in the middle of a tool loop',
    async (_name, makeStore) => {
      const { fake, gemini } = await serve({
        script: [
          turn.text('Hello.'),
          turn.calls([
            { name: 'get_weather', args: { city: 'Paris' } },
            { name: 'get_weather', args: { city: 'Oslo' } },
          ]),
          turn.text('Both fine.'),
        ],
        // The second request of the second send (after its tools ran) fails with a 500.
        faults: [{ fault: { type: 'internal' }, on: 2 }],
      });
      const { store, snapshot } = await makeStore();
      const chat = createChatSession({
        agent: createAgent({ gemini, model, tools: [weather] }),
        store,
        id: 's',
      });
      await chat.send('Hi');
      const before = await snapshot();
      const usageBefore = chat.usage.totalTokenCount;

      const error = await chat
        .send('Weather in Paris and Oslo?')
        .catch((caught: unknown) => caught);

      expect(ModelCallError.isInstance(error)).toBe(true);
      expect(ApiCallError.isInstance((error as ModelCallError).cause)).toBe(true);
      expect((error as ModelCallError).run.newContents).toHaveLength(3);
      expect(await snapshot()).toEqual(before);
      expect(await chat.turns()).toHaveLength(1);
      // The failed run's first step was billed; the session counts it.
      expect(chat.usage.totalTokenCount).toBeGreaterThan(usageBefore);
      // The conversation goes on from the stored history, without the failed turn. (Faults use no
      // scripted turn, so the calls were used up by the failed run and this one answers at once.)
      const next = await chat.send('Weather in Paris and Oslo?');
      expect(next.text).toBe('Both fine.');
      expect(sentContents(fake, 3).map((content) => content.parts[0]?.text)).toEqual([
        'Hi',
        'Hello.',
        'Weather in Paris and Oslo?',
      ]);
    },
  );

  it.each(stores)(
    'leaves the %s store unchanged when sendStream is aborted mid-answer',
    async (_name, makeStore) => {
      const { gemini } = await serve({
        script: [turn.text('Hello.'), turn.text('A long story. '.repeat(40))],
        chunkSize: 5,
        chunkDelayMs: 5,
      });
      const { store, snapshot } = await makeStore();
      const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 's' });
      await chat.send('Hi');
      const before = await snapshot();
      const controller = new AbortController();

      const stream = chat.sendStream('Tell me a story', { signal: controller.signal });
      const deltas: string[] = [];
      const error = await (async () => {
        for await (const event of stream) {
          if (event.type === 'text-delta') {
            deltas.push(event.text);
            controller.abort(new Error('user pressed stop'));
          }
        }
      })().catch((caught: unknown) => caught);

      expect(deltas.length).toBeGreaterThan(0);
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      await expect(stream.result).rejects.toBe(error);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('saves nothing when the consumer stops reading a sendStream', async () => {
    const { gemini } = await serve({
      script: [turn.text('A long story. '.repeat(40))],
      chunkSize: 5,
      chunkDelayMs: 5,
    });
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });

    const stream = chat.sendStream('Tell me a story');
    for await (const event of stream) if (event.type === 'text-delta') break;

    await expect(stream.result).rejects.toSatisfy(AgentAbortedError.isInstance);
    expect(await chat.history()).toEqual([]);
  });

  it('saves nothing when a send is aborted during its tool calls', async () => {
    let started!: () => void;
    const toolStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineTool({
      name: 'slow_lookup',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    const { gemini } = await serve({ script: [turn.call('slow_lookup', {}), turn.text('Done.')] });
    const chat = createChatSession({ agent: createAgent({ gemini, model, tools: [slow] }) });
    const controller = new AbortController();

    const sending = chat.send('Look it up', { signal: controller.signal });
    await toolStarted;
    controller.abort(new Error('stop'));
    const error = await sending.catch((caught: unknown) => caught);

    expect(AgentAbortedError.isInstance(error) && error.phase).toBe('tool-calls');
    expect(await chat.history()).toEqual([]);
  });

  it('drops a send aborted while it waits for an earlier one: it is never sent', async () => {
    const { fake, gemini } = await serve({ script: () => turn.text('OK.'), latencyMs: 100 });
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });
    const controller = new AbortController();

    const first = chat.send('First');
    const second = chat.send('Second', { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    const error = await second.catch((caught: unknown) => caught);

    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error as AgentAbortedError).message).toMatch(/before its run started/);
    expect(((error as AgentAbortedError).cause as Error).message).toBe('changed my mind');
    await first;
    expect(fake.modelRequests).toHaveLength(1);
    expect((await chat.history()).map((content) => content.parts[0]?.text)).toEqual([
      'First',
      'OK.',
    ]);
  });

  it('does not save a blocked prompt (it would block every later message), and says so', async () => {
    const { fake, gemini } = await serve({
      script: [turn.text('Hello.'), turn.blocked('PROHIBITED_CONTENT'), turn.text('Sure.')],
    });
    const logger = recordingLogger();
    const chat = createChatSession({ agent: createAgent({ gemini, model }), logger });
    await chat.send('Hi');

    const blocked = await chat.send('Something forbidden');
    const next = await chat.send('Something else');

    expect(blocked.finishReason).toBe('content-filter');
    expect(blocked.chat.saved).toBe(false);
    expect(next.chat.saved).toBe(true);
    expect(sentContents(fake, 2).map((content) => content.parts[0]?.text)).toEqual([
      'Hi',
      'Hello.',
      'Something else',
    ]);
    expect(logger.lines.find((line) => line.level === 'warn')?.fields).toMatchObject({
      component: 'chat',
      sessionId: chat.id,
      reason: 'PROHIBITED_CONTENT',
    });
  });

  it('saves completed runs with a typed outcome (blocked answer, max-steps); the history stays valid', async () => {
    const { fake, gemini } = await serve({
      script: [turn.safety(), turn.call('get_weather', { city: 'Oslo' }), turn.text('Snow.')],
    });
    const chat = createChatSession({
      agent: createAgent({ gemini, model, tools: [weather], maxSteps: 1 }),
    });

    const unsafe = await chat.send('Say something unsafe');
    const capped = await chat.send('Weather in Oslo?');
    const last = await chat.send('So?');

    expect([unsafe.finishReason, capped.finishReason, last.finishReason]).toEqual([
      'content-filter',
      'max-steps',
      'stop',
    ]);
    expect(unsafe.chat.turn.contents).toHaveLength(1);
    expect(capped.chat.turn.contents).toHaveLength(3);
    const history = await chat.history();
    expect(history).toHaveLength(6);
    expect(validateHistory(history, { requireThoughtSignatures: true })).toEqual([]);
    expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200]);
  });
});

describe('a failing history store', () => {
  it('throws ChatStoreError with the answer and the unsaved turn when append fails', async () => {
    const { gemini } = await serve({ script: [turn.text('Hello.'), turn.text('Lost answer.')] });
    const inner = createMemoryHistoryStore();
    let failing = false;
    const store: HistoryStore = {
      load: (id, context) => inner.load(id, context),
      append: (id, saved, context) => {
        if (failing) throw new Error('disk full');
        return inner.append(id, saved, context);
      },
      clear: (id, context) => inner.clear(id, context),
    };
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 'x' });
    await chat.send('Hi');
    failing = true;

    const error = await chat.send('Remember this').catch((caught: unknown) => caught);

    expect(ChatStoreError.isInstance(error)).toBe(true);
    const storeError = error as ChatStoreError;
    expect(storeError.operation).toBe('append');
    expect(storeError.sessionId).toBe('x');
    expect(storeError.message).toMatch(/disk full/);
    expect(storeError.unsaved.map((content) => content.parts[0]?.text)).toEqual([
      'Remember this',
      'Lost answer.',
    ]);
    expect((storeError.result as { text: string }).text).toBe('Lost answer.');
    expect(JSON.parse(JSON.stringify(storeError))).toMatchObject({
      code: 'chat-store',
      operation: 'append',
      unsaved: { contents: 2 },
    });
    expect(JSON.stringify(storeError)).not.toContain('Lost answer');
    expect(await chat.history()).toHaveLength(2);
  });

  it('throws ChatStoreError before sending anything when load fails; a corrupt file error passes through', async () => {
    const { fake, gemini } = await serve();
    const agent = createAgent({ gemini, model });
    const broken: HistoryStore = {
      load: () => Promise.reject(new Error('connection refused')),
      append: () => {},
      clear: () => {},
    };

    const error = await createChatSession({ agent, store: broken, id: 'y' })
      .send('Hi')
      .catch((caught: unknown) => caught);

    expect(ChatStoreError.isInstance(error) && error.operation).toBe('load');
    expect((error as ChatStoreError).message).toMatch(/connection refused/);
    const directory = await temporaryDirectory();
    const files = createFileHistoryStore({ directory });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(files.filePath('y'), 'not json\n{"id":"y","contents":[]}\n');
    const corrupt = await createChatSession({ agent, store: files, id: 'y' })
      .send('Hi')
      .catch((caught: unknown) => caught);
    expect(ChatHistoryCorruptError.isInstance(corrupt)).toBe(true);
    expect(ChatStoreError.isInstance(corrupt)).toBe(true);
    expect((corrupt as ChatHistoryCorruptError).line).toBe(1);
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('refuses a store that returns something other than turns', async () => {
    const { gemini } = await serve();
    const store = { load: () => [{ role: 'user' }], append: () => {}, clear: () => {} };
    const chat = createChatSession({
      agent: createAgent({ gemini, model }),
      store: store as unknown as HistoryStore,
    });

    await expect(chat.send('Hi')).rejects.toThrow(/turn 0 without a contents array/);
  });
});

describe('chat input checks', () => {
  it('sends an empty text as the user turn { text: "" }, as agent.run("") does (Gemini accepts it)', async () => {
    const { fake, gemini } = await serve({ script: [turn.text('Hello.'), turn.text('Again.')] });
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });

    expect((await chat.send('')).text).toBe('Hello.');
    expect((await chat.sendStream('').result).text).toBe('Again.');
    const bodies = fake.requests.map((request) => request.body as { contents: unknown[] });
    expect(bodies.map((body) => body.contents.at(-1))).toEqual([
      { role: 'user', parts: [{ text: '' }] },
      { role: 'user', parts: [{ text: '' }] },
    ]);
  });

  it.each([
    [[], 'message'],
    [[{ role: 'user', parts: [{ text: 'a' }] }], 'message'],
    [{ role: 'model', parts: [{ text: 'a' }] }, 'message.role'],
    [42, 'message'],
    [null, 'message'],
  ])('refuses the message %j before any request', async (message, argument) => {
    const { fake, gemini } = await serve();
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });

    const error = await chat.send(message as never).catch((caught: unknown) => caught);
    const streamError = await chat
      .sendStream(message as never)
      .result.catch((caught: unknown) => caught);

    expect(InvalidArgumentError.isInstance(error) && error.argument).toBe(argument);
    expect(InvalidArgumentError.isInstance(streamError) && streamError.argument).toBe(argument);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [{ id: '' }, 'id'],
    [{ id: 7 }, 'id'],
    [{ store: { load() {}, append() {} } }, 'store'],
    [{ limit: { maxTurns: -1 } }, 'limit.maxTurns'],
    [{ limit: { maxTurns: 1.5 } }, 'limit.maxTurns'],
    [{ limit: { maxTokens: 0 } }, 'limit.maxTokens'],
    [{ limit: { maxTokens: Number.NaN } }, 'limit.maxTokens'],
    [{ limit: 5 }, 'limit'],
    [{ logger: {} }, 'logger'],
    [{ now: 5 }, 'now'],
    [{ agent: undefined }, 'agent'],
  ])('refuses the option %j when the session is made', async (options, argument) => {
    const { gemini } = await serve();
    const agent = createAgent({ gemini, model });

    const error = thrownBy(() => createChatSession({ agent, ...(options as object) } as never));

    expect(InvalidArgumentError.isInstance(error) && error.argument).toBe(argument);
  });
});
