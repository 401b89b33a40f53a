import { createMemoryHistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import type { LiveRun } from './live-run.ts';
import { createThreadIndex } from './thread-index.ts';

// The AG-UI door's threads by caller and threadId, on their own: each caller's own space of ids,
// one run at a time per thread, and the bound that forgets the oldest idle thread (or refuses when
// every thread is running). (create-ag-ui-handler.test.ts goes through HTTP.)

const context = { logger: silentLogger };

function threads(maxThreads = 10) {
  const store = createMemoryHistoryStore();
  const errors: unknown[] = [];
  return {
    index: createThreadIndex({ store, maxThreads, onError: (error) => errors.push(error) }),
    store,
    errors,
  };
}
const release = (thread: { busy: boolean }) => {
  thread.busy = false;
};

describe('createThreadIndex', () => {
  it('opens a fresh thread on first use, and the same one after (fresh until a run of it finishes)', () => {
    const { index } = threads();
    const first = index.open('t1', 'alice');
    expect(first).toMatchObject({ owner: 'alice', fresh: true, busy: true, live: undefined });
    release(first);
    const again = index.open('t1', 'alice');
    expect(again).toBe(first);
    // The handler marks it when a run finishes: a failed first run leaves it fresh.
    expect(again.fresh).toBe(true);
  });

  it('gives a stranger who sends another caller`s threadId a fresh thread of their own', () => {
    const { index } = threads();
    const alice = index.open('t1', 'alice');
    const mallory = index.open('t1', 'mallory');
    expect(mallory).not.toBe(alice);
    expect(mallory.fresh).toBe(true);
    expect(mallory.key).not.toBe(alice.key);
  });

  it('keeps owner and thread id apart, whatever characters they hold', () => {
    const { index } = threads();
    const one = index.open('b","c', 'a');
    const two = index.open('c', 'a","b');
    expect(one).not.toBe(two);
  });

  it('refuses a second run in a busy thread with 409 thread_busy', () => {
    const { index } = threads();
    index.open('t1', 'alice');
    expect(() => index.open('t1', 'alice')).toThrow(
      expect.objectContaining({ status: 409, errorCode: 'thread_busy' }),
    );
  });

  it('past the bound forgets the least recently used idle thread, not the least recently made', () => {
    const { index } = threads(2);
    const first = index.open('old', 'alice');
    const oldKey = first.key;
    release(first);
    const recent = index.open('recent', 'alice');
    const recentKey = recent.key;
    release(recent);
    // Used again: `old` is now the most recent, `recent` the least.
    release(index.open('old', 'alice'));
    release(index.open('new', 'alice'));
    const old = index.open('old', 'alice');
    expect(old.key).toBe(oldKey);
    release(old);
    expect(index.open('recent', 'alice').key).not.toBe(recentKey);
  });

  it('a forgotten thread`s run is aborted and its turns cleared; its id opens a fresh thread', async () => {
    const { index, store } = threads(1);
    const old = index.open('old', 'alice');
    await store.append(old.key, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, context);
    const abort = new AbortController();
    old.live = { abort } as unknown as LiveRun;
    release(old);
    release(index.open('new', 'alice'));
    expect(abort.signal.aborted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.load(old.key, context)).toEqual([]);
    expect(index.open('old', 'alice').fresh).toBe(true);
  });

  it('refuses a new thread with 503 when every thread held is running', () => {
    const { index } = threads(2);
    index.open('a', 'alice');
    index.open('b', 'bob');
    expect(() => index.open('c', 'carol')).toThrow(
      expect.objectContaining({ status: 503, errorCode: 'too_many_threads' }),
    );
  });

  it('reports a store that fails to clear a forgotten thread through onError', async () => {
    const store = createMemoryHistoryStore();
    const errors: unknown[] = [];
    const index = createThreadIndex({
      store: {
        ...store,
        load: store.load,
        append: store.append,
        clear: () => Promise.reject(new Error('clear failed')),
      },
      maxThreads: 1,
      onError: (error) => errors.push(error),
    });
    release(index.open('a', 'alice'));
    index.open('b', 'alice');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([new Error('clear failed')]);
  });
});
