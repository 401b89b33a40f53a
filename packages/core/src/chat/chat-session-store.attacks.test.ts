// A chat session over a history store that is user code and may be hostile or broken (attack44b):
// what it returns is read through getters and Proxies that throw, what it throws may have a
// message getter that throws or be a megabyte of text, and a load may never settle. Each send,
// unary and streamed, must end typed, keep a completed answer, and honour its signal.
import { basename, dirname } from 'node:path';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { InvalidHistoryError } from '../agent/errors/invalid-history-error.ts';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { UnknownHandoffAgentError } from '../errors/unknown-handoff-agent-error.ts';
import {
  cleanUp,
  recordingLogger,
  serve,
  temporaryDirectory,
  thrownBy,
} from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

afterEach(cleanUp);

const model = 'gemini-3-flash-preview';
const modes = ['send', 'sendStream'] as const;
type Mode = (typeof modes)[number];
const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const answer = (text: string) => ({ role: 'model', parts: [{ text }] });

/** Sends `message` on `chat` the way `mode` says, resolving with the result or the error. */
function sendBy(
  mode: Mode,
  chat: ReturnType<typeof createChatSession>,
  message: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const sending =
    mode === 'send' ? chat.send(message, { signal }) : chat.sendStream(message, { signal }).result;
  return sending.catch((error: unknown) => error);
}

/** A store whose `load` returns what `load` gives; nothing is saved. */
function storeReturning(load: () => unknown): HistoryStore {
  return { load: load as HistoryStore['load'], append: () => {}, clear: () => {} };
}

describe.each(modes)('a chat %s over a store that returns hostile turns', (mode) => {
  const throwing = () => {
    throw new Error('the store’s getter broke');
  };
  it.each<[string, () => unknown]>([
    [
      'a turn whose contents getter throws',
      () => [
        {
          get contents() {
            return throwing();
          },
        },
      ],
    ],
    ['a turn that is a Proxy whose traps throw', () => [new Proxy({}, { get: throwing })]],
    [
      'a list that is a Proxy throwing on its first turn',
      () =>
        new Proxy([{ contents: [] }], {
          get: (target, key) => (key === '0' ? throwing() : Reflect.get(target, key)),
        }),
    ],
  ])('%s: a ChatStoreError of the load, nothing sent', async (_name, load) => {
    const { fake, gemini } = await serve({ script: [turn.text('ok')] });
    const chat = createChatSession({
      agent: createAgent({ gemini, model }),
      store: storeReturning(load),
      id: 's',
    });

    const error = await sendBy(mode, chat, 'Hi');

    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'load', sessionId: 's' });
    expect((error as Error).message).toMatch(
      /load\("s"\) returned turns that cannot be read \(turn 0\): the store’s getter broke/,
    );
    expect(fake.modelRequests).toHaveLength(0);
  });

  it.each<[string, unknown[]]>([
    ['a null content', [user('a'), null]],
    ['a system role', [{ role: 'system', parts: [{ text: 'x' }] }, answer('b')]],
    // In a user turn: a model turn's part of an unknown kind is a newer API's, taken back verbatim
    // (attack44c, create-step.unknown-parts.attacks.test.ts); the user's side has no such parts.
    ['a part of no known kind', [{ role: 'user', parts: [{ zork: 1 }] }, answer('x')]],
    ['parts that are a string', [user('a'), { role: 'model', parts: 'hi' }]],
    [
      'a function call with no response',
      [user('a'), { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }],
    ],
    [
      'a function response with no call',
      [
        user('a'),
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
        answer('x'),
      ],
    ],
  ])('%s in a stored turn: InvalidHistoryError, nothing sent (held)', async (_name, contents) => {
    const { fake, gemini } = await serve({ script: [turn.text('ok')] });
    const chat = createChatSession({
      agent: createAgent({ gemini, model }),
      store: storeReturning(() => [{ contents }]),
    });

    expect(InvalidHistoryError.isInstance(await sendBy(mode, chat, 'Hi'))).toBe(true);
    expect(fake.modelRequests).toHaveLength(0);
  });
});

describe.each(modes)('a chat %s whose store fails to save the answer', (mode) => {
  it('keeps the answer when what append throws has a message getter that throws', async () => {
    const { gemini } = await serve({ script: [turn.text('the answer')] });
    const thrown = Object.create(Error.prototype, {
      message: {
        get() {
          throw new Error('message getter');
        },
      },
    }) as Error;
    const store: HistoryStore = {
      load: () => [],
      append: () => {
        throw thrown;
      },
      clear: () => {},
    };
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 's' });

    const error = await sendBy(mode, chat, 'Hi');

    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'append', cause: thrown });
    expect((error as ChatStoreError).message).toContain('an error whose message cannot be read');
    expect(((error as ChatStoreError).result as { text: string }).text).toBe('the answer');
    expect((error as ChatStoreError).unsaved).toHaveLength(2);
  });

  it('bounds a megabyte thrown as text in the message, the answer kept', async () => {
    const { gemini } = await serve({ script: [turn.text('the answer')] });
    const store: HistoryStore = {
      load: () => [],
      append: () => {
        throw `disk full ${'x'.repeat(1_000_000)}`;
      },
      clear: () => {},
    };
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store });

    const error = await sendBy(mode, chat, 'Hi');

    expect(ChatStoreError.isInstance(error)).toBe(true);
    expect((error as Error).message.length).toBeLessThan(2_000);
    expect((error as Error).message).toContain('disk full xxx');
    expect((error as Error).message).toContain('characters omitted]');
    expect(((error as ChatStoreError).result as { text: string }).text).toBe('the answer');
  });
});

/** A store whose first `load` (or `loadRecent`) never settles until `settle` is called. */
function hangingStore(method: 'load' | 'loadRecent') {
  const calls: string[] = [];
  let settle!: () => void;
  const hung = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let first = true;
  const read = async (): Promise<ChatTurn[]> => {
    calls.push(`${method} start`);
    if (first) {
      first = false;
      await hung;
    }
    calls.push(`${method} end`);
    return [];
  };
  const store: HistoryStore = {
    load: method === 'load' ? read : () => [],
    append: () => {
      calls.push('append');
    },
    clear: () => {},
  };
  if (method === 'loadRecent') {
    store.loadRecent = async () => ({ turns: await read(), olderTurns: 0 });
  }
  return { store, calls, settle };
}

describe.each(modes)('a chat %s whose store never answers the load', (mode) => {
  it.each(['load', 'loadRecent'] as const)(
    'is aborted by its signal while %s hangs; the next send waits for that call to settle',
    async (method) => {
      const { fake, gemini } = await serve({ script: [turn.text('later')] });
      const { store, calls, settle } = hangingStore(method);
      const chat = createChatSession({
        agent: createAgent({ gemini, model }),
        store,
        id: 's',
        limit: { maxTurns: 4 },
      });
      const controller = new AbortController();

      const first = sendBy(mode, chat, 'Hi', controller.signal);
      await expect.poll(() => calls, { timeout: 60_000 }).toEqual([`${method} start`]);
      controller.abort(new Error('the user left'));
      const error = await first;

      expect(AgentAbortedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('aborted before its run started');
      // The store is never called twice at once for one id: the next send waits for the hung
      // call, and goes on once it settles.
      const second = sendBy(mode, chat, 'Again');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toEqual([`${method} start`]);
      settle();
      expect(await second).toMatchObject({ text: 'later' });
      expect(calls).toEqual([
        `${method} start`,
        `${method} end`,
        `${method} start`,
        `${method} end`,
        'append',
      ]);
      expect(fake.modelRequests).toHaveLength(1);
    },
  );
});

describe('the file store and ids that are not well-formed text', () => {
  it('refuses a lone surrogate, which UTF-8 writes as U+FFFD: two ids, one file', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    for (const id of ['x\uD800', 'x\uDC00', '\uDFFFa']) {
      const error = thrownBy(() => store.filePath(id));
      expect(InvalidArgumentError.isInstance(error) && error.argument).toBe('id');
      expect((error as Error).message).toContain('lone surrogate');
    }
    // The well-formed twins stay apart, an emoji's pair is whole text.
    expect(store.filePath('x\uFFFD')).not.toBe(store.filePath('x'));
    expect(store.filePath('x😀')).toMatch(/x%F0%9F%98%80\.jsonl$/);
    await store.close();
  });

  it('keeps path characters, NUL, 10,000 characters and Unicode twins inside the directory, apart (held)', async () => {
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const ids = [
      '../../etc/passwd',
      '..\\..\\boot.ini',
      'a\0b',
      'x'.repeat(10_000),
      `${'x'.repeat(9_999)}y`,
      'caf\u00e9',
      'cafe\u0301',
      'User',
      'user',
      'con',
    ];
    const paths = ids.map((id) => store.filePath(id));
    for (const path of paths) {
      expect(dirname(path)).toBe(directory);
      expect(basename(path).length).toBeLessThanOrEqual(255);
    }
    expect(new Set(paths).size).toBe(ids.length);
    await store.close();
  });
});

describe.each(modes)('a chat %s over a stored holder no handoff reaches', (mode) => {
  /** A store of one stored turn held by `holder`, recording what is appended. */
  function heldBy(holder: unknown) {
    const appended: ChatTurn[] = [];
    const stored: ChatTurn = {
      contents: [user('a'), answer('b')] as ChatTurn['contents'],
      agent: holder as string,
    };
    const store: HistoryStore = {
      load: () => [stored, ...appended],
      append: (_id, saved) => {
        appended.push(saved);
      },
      clear: () => {},
    };
    return { store, appended };
  }

  it.each<[string, unknown]>([
    ['a number', 42],
    ['an object', { name: 'lead' }],
  ])(
    '%s is no holder: the session agent answers and the saved turn names none',
    async (_name, holder) => {
      const { gemini } = await serve({ script: [turn.text('mine'), turn.text('again')] });
      const { store, appended } = heldBy(holder);
      const logger = recordingLogger();
      const chat = createChatSession({ agent: createAgent({ gemini, model }), store, logger });

      expect(await sendBy(mode, chat, 'Hi')).toMatchObject({ text: 'mine' });
      expect(await sendBy(mode, chat, 'Again')).toMatchObject({ text: 'again' });
      expect(appended.map((saved) => saved.agent)).toEqual([undefined, undefined]);
      expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
    },
  );

  // A name (leftovers53): the conversation is another agent's, which this process cannot find
  // (the team changed, or another version of the app holds it). Taking it over would take it from
  // that holder for good, so the send fails typed, naming the session and the fix, as a durable
  // chat turn does (before: the session's agent answered, with a warning in the log only, and the
  // saved turn named no holder).
  it.each([
    ['a name no handoff declares', 'nobody'],
    ['__proto__', '__proto__'],
  ])(
    '%s: UnknownHandoffAgentError naming the session and the fix; nothing sent or saved',
    async (_name, holder) => {
      const { fake, gemini } = await serve({ script: [turn.text('mine')] });
      const { store, appended } = heldBy(holder);
      const chat = createChatSession({
        agent: createAgent({ gemini, model }),
        store,
        id: 'user-42',
      });

      for (const message of ['Hi', 'Again']) {
        const error = await sendBy(mode, chat, message);
        expect(UnknownHandoffAgentError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ agent: holder, sessionId: 'user-42' });
        const { message: text } = error as Error;
        expect(text).toContain(`The chat session "user-42" is held by the agent "${holder}"`);
        expect(text).toContain('nothing was sent');
        expect(text).toContain('handoff(agent)');
        expect(text).toContain('start a new session');
      }
      expect(fake.modelRequests).toHaveLength(0);
      expect(appended).toEqual([]);
    },
  );
});
