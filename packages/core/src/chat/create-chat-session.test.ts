import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import type { Content } from '../wire/content.ts';
import {
  cleanUp,
  pixel,
  recordingLogger,
  sentContents,
  serve,
  signaturesOf,
  temporaryDirectory,
  weather,
} from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

afterEach(cleanUp);

const model = 'gemini-3-flash-preview';

// Three sends: a parallel-call tool loop, an image-only message (no text, so Gemini 3's active
// loop reaches back into the stored turns and the fake checks their signatures), a plain text.
const conversation = () => [
  turn.calls([
    { name: 'get_weather', args: { city: 'Paris' } },
    { name: 'get_weather', args: { city: 'Oslo' } },
  ]),
  turn.call('get_weather', { city: 'Rome' }),
  turn.text('Paris is sunny, Oslo has snow, Rome is fine.', { thoughts: 'Three cities.' }),
  turn.call('get_weather', { city: 'Oslo' }),
  turn.text('That picture looks like Oslo: snow.'),
  turn.text('You are welcome.'),
];

const stores: [string, () => Promise<HistoryStore>][] = [
  ['memory', async () => createMemoryHistoryStore()],
  [
    'file (directory)',
    async () => createFileHistoryStore({ directory: await temporaryDirectory() }),
  ],
  [
    'file (one path)',
    async () => createFileHistoryStore({ path: `${await temporaryDirectory()}/chats.jsonl` }),
  ],
];

describe('createChatSession', () => {
  it.each(stores)(
    'keeps a Gemini 3 tool conversation verbatim in the %s store: signatures and ids go back as issued',
    async (_name, makeStore) => {
      const { fake, gemini } = await serve({ script: conversation(), seed: 7 });
      const agent = createAgent({
        gemini,
        model,
        tools: [weather],
        thinking: { includeThoughts: true },
      });
      const logger = recordingLogger();
      const store = await makeStore();
      const chat = createChatSession({ agent, store, id: 'user-42', logger });

      const first = await chat.send('Weather in Paris, Oslo and Rome?');
      const second = await chat.send(pixel);

      // The second send's first request carries the first turn exactly as the model sent it.
      const firstRequestOfSecondSend = sentContents(fake, 3);
      expect(firstRequestOfSecondSend.slice(0, first.newContents.length)).toEqual(
        first.newContents,
      );
      expect(firstRequestOfSecondSend[first.newContents.length]).toEqual({
        role: 'user',
        parts: pixel,
      });
      const issued = signaturesOf(first.newContents);
      expect(issued.length).toBeGreaterThanOrEqual(3);
      expect(signaturesOf(firstRequestOfSecondSend)).toEqual(
        expect.arrayContaining(issued.map((signature) => signature)),
      );
      expect(issued).not.toContain('skip_thought_signature_validator');
      expect(fake.modelRequests.map((request) => request.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
      // No dummy signature was needed: nothing was lost on the way through the store.
      expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);

      // A new session on a fresh store object (a restarted process) continues the conversation.
      const reopened = createChatSession({
        agent,
        store: _name === 'memory' ? store : await reopen(store),
        id: 'user-42',
      });
      const third = await reopened.send('Thanks!');
      expect(third.text).toBe('You are welcome.');
      const history = await reopened.history();
      expect(history).toEqual([...first.newContents, ...second.newContents, ...third.newContents]);
      expect(sentContents(fake, 5)).toEqual(history.slice(0, -1));
      expect(validateHistory(history, { requireThoughtSignatures: true })).toEqual([]);
      // Server call ids are echoed on the responses in the stored history.
      expect(history[2]?.parts.map((part) => part.functionResponse?.id)).toEqual(
        history[1]?.parts.map((part) => part.functionCall?.id),
      );
      expect((await reopened.turns()).map((stored) => stored.contents.length)).toEqual([
        first.newContents.length,
        second.newContents.length,
        2,
      ]);
    },
  );

  it('fails on the fake when a store alters a signature: the check above is live', async () => {
    const { fake, gemini } = await serve({ script: conversation(), seed: 7 });
    const agent = createAgent({ gemini, model, tools: [weather] });
    const inner = createMemoryHistoryStore();
    // A store that "re-encodes" signatures (here: flips them to another valid-looking blob).
    const lossy: HistoryStore = {
      load: async (id, context) =>
        (await inner.load(id, context)).map((stored) => ({
          ...stored,
          contents: stored.contents.map((content) => ({
            ...content,
            parts: content.parts.map((part) =>
              part.thoughtSignature === undefined
                ? part
                : { ...part, thoughtSignature: `A${part.thoughtSignature.slice(1)}` },
            ),
          })),
        })),
      append: (id, stored, context) => inner.append(id, stored, context),
      clear: (id, context) => inner.clear(id, context),
    };
    const chat = createChatSession({ agent, store: lossy, id: 'lossy' });
    await chat.send('Weather in Paris, Oslo and Rome?');

    const error = await chat.send(pixel).catch((caught: unknown) => caught);

    expect(ModelCallError.isInstance(error)).toBe(true);
    const cause = (error as ModelCallError).cause;
    expect(ApiCallError.isInstance(cause) && cause.status).toBe(400);
    expect(fake.lastRequest?.status).toBe(400);
    expect(await chat.turns()).toHaveLength(1);
  });

  it('saves the same turns with sendStream as with send, and yields run-end once saved', async () => {
    const viaSend = await serve({ script: conversation(), seed: 3 });
    const viaStream = await serve({ script: conversation(), seed: 3, chunkSize: 9 });
    const options = { model, tools: [weather], thinking: { includeThoughts: true } } as const;
    const sendChat = createChatSession({
      agent: createAgent({ gemini: viaSend.gemini, ...options }),
    });
    const streamStore = createMemoryHistoryStore();
    const streamChat = createChatSession({
      agent: createAgent({ gemini: viaStream.gemini, ...options }),
      store: streamStore,
    });

    const sent = [await sendChat.send('Weather in Paris, Oslo and Rome?')];
    sent.push(await sendChat.send(pixel));
    const streamed: string[] = [];
    const storedAtRunEnd: number[] = [];
    for (const message of ['Weather in Paris, Oslo and Rome?', pixel] as const) {
      const stream = streamChat.sendStream(message);
      let text = '';
      for await (const event of stream) {
        if (event.type === 'text-delta') text += event.text;
        if (event.type === 'run-end') {
          storedAtRunEnd.push(
            (await streamStore.load(streamChat.id, { logger: recordingLogger() })).length,
          );
          expect(event.result).toBe(await stream.result);
        }
      }
      streamed.push(text);
      expect((await stream.result).chat.saved).toBe(true);
    }

    expect(await streamChat.history()).toEqual(await sendChat.history());
    expect(streamed).toEqual(sent.map((result) => result.text));
    expect(storedAtRunEnd).toEqual([1, 2]);
    expect(viaStream.fake.modelRequests.every((request) => request.alt === 'sse')).toBe(true);
  });

  it('takes a user content as the message and keeps it as the turn’s first content', async () => {
    const { fake, gemini } = await serve({ script: [turn.text('Hi!'), turn.text('Bye!')] });
    const chat = createChatSession({ agent: createAgent({ gemini, model: 'gemini-2.5-flash' }) });
    const message: Content = { role: 'user', parts: [{ text: 'Hello' }, ...pixel] };

    await chat.send(message);
    await chat.send([{ text: 'Goodbye' }]);

    expect(await chat.history()).toEqual([
      message,
      { role: 'model', parts: [{ text: 'Hi!' }] },
      { role: 'user', parts: [{ text: 'Goodbye' }] },
      { role: 'model', parts: [{ text: 'Bye!' }] },
    ]);
    expect(sentContents(fake, 1)).toHaveLength(3);
  });

  it('works with a store written in a few lines (a Redis-like list of JSON strings)', async () => {
    const lists = new Map<string, string[]>();
    const store: HistoryStore = {
      load: (id) => (lists.get(id) ?? []).map((line) => JSON.parse(line) as ChatTurn),
      append: (id, stored) => {
        lists.set(id, [...(lists.get(id) ?? []), JSON.stringify(stored)]);
      },
      clear: (id) => {
        lists.delete(id);
      },
    };
    const { fake, gemini } = await serve({ script: conversation(), seed: 5 });
    const agent = createAgent({ gemini, model, tools: [weather] });
    const chat = createChatSession({ agent, store, id: 'redis-1', now: () => 1_700_000_000_000 });

    const first = await chat.send('Weather in Paris, Oslo and Rome?');
    await chat.send(pixel);

    expect(lists.get('redis-1')).toHaveLength(2);
    const saved = JSON.parse(lists.get('redis-1')?.[0] as string) as ChatTurn;
    expect(saved.createdAt).toBe(1_700_000_000_000);
    expect(saved.tokenCount).toBeGreaterThan(0);
    expect(saved.contents).toEqual(JSON.parse(JSON.stringify(first.newContents)));
    expect(fake.modelRequests.every((request) => request.status === 200)).toBe(true);

    await chat.reset();
    expect(lists.has('redis-1')).toBe(false);
    expect(await chat.history()).toEqual([]);
  });

  it('sums the usage of every send, and reports what it sent and saved', async () => {
    const { gemini } = await serve({ script: [turn.text('One.'), turn.text('Two.')] });
    const chat = createChatSession({ agent: createAgent({ gemini, model: 'gemini-2.5-flash' }) });

    const first = await chat.send('First?');
    const second = await chat.send('Second?');

    expect(chat.usage.totalTokenCount).toBe(
      first.usage.totalTokenCount + second.usage.totalTokenCount,
    );
    expect(chat.usage.promptTokenCount).toBeGreaterThan(0);
    expect(second.chat).toEqual({
      sessionId: chat.id,
      sentTurns: 1,
      droppedTurns: 0,
      saved: true,
      turn: {
        contents: second.newContents,
        tokenCount: expect.any(Number),
        createdAt: expect.any(Number),
        model: 'gemini-2.5-flash',
        cost: second.cost,
        // The conversation's totals so far, stored with the turn (a reopened session goes on).
        sessionSpend: { usage: chat.usage, cost: chat.cost },
      },
    });
    // The result's history is what was sent plus the new turn.
    expect(second.contents).toEqual([...first.newContents, ...second.newContents]);
  });

  it('continues the conversation of an id on the agent’s default store; a session without id is its own', async () => {
    const { fake, gemini } = await serve({ script: () => turn.text('Noted.') });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });

    await createChatSession({ agent, id: 'alice' }).send('My name is Alice.');
    const again = createChatSession({ agent, id: 'alice' });
    await again.send('What is my name?');
    const anonymous = createChatSession({ agent });
    await anonymous.send('Who am I?');

    expect(sentContents(fake, 1)).toHaveLength(3);
    expect(sentContents(fake, 2)).toHaveLength(1);
    expect(anonymous.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(again.store).not.toBe(anonymous.store);
    expect(createChatSession({ agent, id: 'bob' }).store).toBe(again.store);
  });

  it('logs to the logger it is given (the agent’s, to have one stream)', async () => {
    const { fake, gemini } = await serve({ script: () => turn.text('Noted.') });
    const logger = recordingLogger();
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', logger });

    const first = await createChatSession({ agent, id: 'carol', logger }).send('I like tea.');
    const second = await createChatSession({
      agent,
      id: 'carol',
      limit: { maxTurns: 5 },
      logger,
    }).send('What do I like?');

    expect(first.chat.sessionId).toBe('carol');
    expect(second.chat.sentTurns).toBe(1);
    expect(sentContents(fake, 1)).toHaveLength(3);
    expect(
      logger.lines
        .filter((line) => line.fields['component'] === 'chat')
        .map((line) => [line.message, line.fields['sessionId']]),
    ).toEqual([
      ['chat send started', 'carol'],
      ['chat turn saved', 'carol'],
      ['chat send started', 'carol'],
      ['chat turn saved', 'carol'],
    ]);
    const own = recordingLogger();
    await createChatSession({ agent, logger: own }).send('Hi');
    expect(own.lines.map((line) => line.message)).toEqual(['chat send started', 'chat turn saved']);
  });
});

async function reopen(store: HistoryStore): Promise<HistoryStore> {
  const path = (store as ReturnType<typeof createFileHistoryStore>).filePath('user-42');
  // The restarted process's predecessor is gone, and so is its lock.
  await (store as ReturnType<typeof createFileHistoryStore>).close();
  return path.endsWith('chats.jsonl')
    ? createFileHistoryStore({ path })
    : createFileHistoryStore({ directory: path.slice(0, path.lastIndexOf('/')) });
}
