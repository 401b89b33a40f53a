import { describe, expect, it } from 'vitest';
import { ChatStoreError } from '../errors/chat-store-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';
import { describeValue, SessionStore } from './session-store.ts';

// A session's view of the user's history store: a store's failure becomes a ChatStoreError
// naming the operation and the session, and what a store returns is checked before a run uses it.

const silent: Logger = {
  child: () => silent,
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
} as unknown as Logger;

const turn = (text: string): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ text }] },
    { role: 'model', parts: [{ text: `re: ${text}` }] },
  ],
});

function storeOf(fields: Partial<HistoryStore>): HistoryStore {
  return { load: () => [], append: () => {}, clear: () => {}, ...fields } as HistoryStore;
}

async function rejection(promise: Promise<unknown>): Promise<ChatStoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ChatStoreError.isInstance(error), String(error)).toBe(true);
  return error as ChatStoreError;
}

describe('SessionStore', () => {
  it("loads the session's turns, passing its id, the logger and the signal", async () => {
    const seen: unknown[] = [];
    const signal = new AbortController().signal;
    const store = storeOf({
      load: (id, context) => {
        seen.push(id, context.logger, context.signal);
        return [turn('a')];
      },
    });
    expect(await new SessionStore(store, 's1', silent, undefined).load(signal)).toEqual([
      turn('a'),
    ]);
    expect(seen).toEqual(['s1', silent, signal]);
  });

  it('turns a store failure into a ChatStoreError naming the operation, the session and the cause', async () => {
    const cause = new Error('disk full');
    const session = new SessionStore(storeOf({}), 'chat-7', silent, undefined);
    const error = await rejection(
      session.call('append', () => {
        throw cause;
      }),
    );
    expect(error.operation).toBe('append');
    expect(error.sessionId).toBe('chat-7');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'The chat history store failed to append session "chat-7": disk full',
    );
  });

  it("passes a store's own ChatStoreError through unchanged", async () => {
    const own = new ChatStoreError({ message: 'locked', operation: 'load', sessionId: 'x' });
    const session = new SessionStore(storeOf({}), 'x', silent, undefined);
    expect(
      await session
        .call('load', async () => {
          throw own;
        })
        .catch((error: unknown) => error),
    ).toBe(own);
  });

  it('never puts the contents of a thrown object or function in the message', async () => {
    const session = new SessionStore(storeOf({}), 's', silent, undefined);
    const secret = 'user said: my password is hunter2';
    for (const thrown of [{ detail: secret }, () => secret, [secret]]) {
      const error = await rejection(
        session.call('load', () => {
          throw thrown;
        }),
      );
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('refuses what load returns unless it is an array of turns with contents, naming the turn', async () => {
    for (const returned of [undefined, null, 'turns', { turns: [] }]) {
      const session = new SessionStore(
        storeOf({ load: () => returned as never }),
        's',
        silent,
        undefined,
      );
      const error = await rejection(session.load());
      expect(error.message).toContain('not an array of turns');
      expect(error.operation).toBe('load');
    }
    const broken = storeOf({ load: () => [turn('a'), { contents: 'x' }] as never });
    const error = await rejection(new SessionStore(broken, 's', silent, undefined).load());
    expect(error.message).toContain('returned turn 1 without a contents array');
  });

  it('uses loadRecent only when a limit bounds the history and the store has it', async () => {
    const calls: string[] = [];
    const store = storeOf({
      load: () => {
        calls.push('load');
        return [turn('a'), turn('b')];
      },
      loadRecent: (_id, limit) => {
        calls.push(`loadRecent:${JSON.stringify(limit)}`);
        return { turns: [turn('b')], olderTurns: 1 };
      },
    });
    expect(await new SessionStore(store, 's', silent, undefined).loadRecent(undefined)).toEqual({
      turns: [turn('a'), turn('b')],
      olderTurns: 0,
    });
    expect(
      await new SessionStore(store, 's', silent, { maxTurns: 1 }).loadRecent(undefined),
    ).toEqual({
      turns: [turn('b')],
      olderTurns: 1,
    });
    expect(calls).toEqual(['load', 'loadRecent:{"maxTurns":1}']);
    const without = storeOf({ load: () => [turn('z')] });
    expect(
      await new SessionStore(without, 's', silent, { maxTokens: 10 }).loadRecent(undefined),
    ).toEqual({
      turns: [turn('z')],
      olderTurns: 0,
    });
  });

  it('refuses a loadRecent answer without a whole olderTurns >= 0, or with bad turns', async () => {
    for (const answer of [
      undefined,
      { turns: [] },
      { turns: [], olderTurns: -1 },
      { turns: [], olderTurns: 1.5 },
      { turns: [], olderTurns: '2' },
    ]) {
      const store = storeOf({ loadRecent: () => answer as never });
      const error = await rejection(
        new SessionStore(store, 's', silent, { maxTurns: 2 }).loadRecent(undefined),
      );
      expect(error.message, JSON.stringify(answer)).toContain(
        'it must return { turns, olderTurns }',
      );
    }
    const store = storeOf({ loadRecent: () => ({ turns: [null], olderTurns: 0 }) as never });
    const error = await rejection(
      new SessionStore(store, 's', silent, { maxTurns: 2 }).loadRecent(undefined),
    );
    expect(error.message).toContain('loadRecent("s") returned turn 0 without a contents array');
  });
});

describe('describeValue', () => {
  it("says an error's message, and a type for an object, never its contents", () => {
    expect(describeValue(new Error('boom'))).toBe('boom');
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ password: 'x' })).toBe('an object');
    expect(describeValue([1])).toBe('an object');
    expect(describeValue(42)).toBe('42');
    expect(describeValue(undefined)).toBe('undefined');
  });

  it('never writes out the source of a function', () => {
    expect(describeValue(() => 'secret')).toBe('a function');
  });
});
