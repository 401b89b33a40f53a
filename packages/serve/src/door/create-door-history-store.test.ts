import type { ChatTurn } from '@gemloop/core/chat';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import {
  createDoorHistoryStore,
  DEFAULT_TOTAL_HISTORY_BYTES,
  ownThread,
  wasEvicted,
} from './create-door-history-store.ts';

const context = { logger: undefined } as never;

/** A user turn whose JSON is about `bytes` long. */
const turnOf = (bytes: number, text = 'x'): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ text: text.repeat(Math.max(1, bytes - 40) / text.length) }] },
  ],
});

const heldBytes = (store: ReturnType<typeof createDoorHistoryStore>) =>
  store
    .ids()
    .flatMap((id) => store.snapshot(id).turns)
    .reduce((sum, turn) => sum + Buffer.byteLength(JSON.stringify(turn)), 0);

describe('createDoorHistoryStore: every thread together within maxTotalBytes', () => {
  it('at the defaults, 66 threads of 4 MiB hold at most 256 MiB: the least recently used go whole', () => {
    const store = createDoorHistoryStore();
    // One string shared by every turn: the test holds 4 MiB, the store counts 4 MiB a thread.
    const turn = turnOf(4 * 1024 * 1024 - 200);
    const size = Buffer.byteLength(JSON.stringify(turn));
    for (let thread = 0; thread < 66; thread++) store.append(`t${thread}`, turn, context);
    // Before (threads x 4 MiB): all 66 held, and on to 4 GiB at the doors' 1000 threads.
    expect(store.ids()).toHaveLength(64);
    expect(store.ids().length * size).toBeLessThanOrEqual(DEFAULT_TOTAL_HISTORY_BYTES);
    expect(store.ids()[0]).toBe('t2');
    expect(store.evicted('t0')).toBe(true);
    expect(store.load('t0', context)).toEqual([]);
    expect(store.evicted('t2')).toBe(false);
  });

  it('a thread read (load, snapshot) is used: the next eviction takes another', () => {
    const store = createDoorHistoryStore({ maxThreadBytes: 1000, maxTotalBytes: 3000 });
    for (const id of ['a', 'b', 'c']) store.append(id, turnOf(900), context);
    store.load('a', context);
    store.append('d', turnOf(900), context);
    expect(store.ids().sort()).toEqual(['a', 'c', 'd']);
    expect(wasEvicted(store, 'b')).toBe(true);
    store.snapshot('a');
    store.append('e', turnOf(900), context);
    expect(store.ids().sort()).toEqual(['a', 'd', 'e']);
  });

  it('the owner holding the most bytes loses a thread first, never the thread appended to', () => {
    const store = createDoorHistoryStore({ maxThreadBytes: 1000, maxTotalBytes: 4000 });
    ownThread(store, 'bob-1', 'bob');
    store.append('bob-1', turnOf(900), context);
    for (const id of ['alice-1', 'alice-2', 'alice-3']) {
      ownThread(store, id, 'alice');
      store.append(id, turnOf(900), context);
    }
    ownThread(store, 'alice-4', 'alice');
    store.append('alice-4', turnOf(900), context);
    // bob's thread is the least recently used, but alice holds the most: her oldest goes.
    expect(store.evicted('alice-1')).toBe(true);
    expect(store.evicted('bob-1')).toBe(false);
    // One thread over the total alone: kept (whole threads are what goes), the others evicted.
    const big = createDoorHistoryStore({ maxThreadBytes: 2000, maxTotalBytes: 2000 });
    big.append('a', turnOf(900), context);
    big.append('b', turnOf(1900), context);
    big.append('b', turnOf(1900), context);
    expect(big.ids()).toEqual(['b']);
    expect(big.snapshot('b')).toMatchObject({ droppedTurns: 1 });
  });

  it('an append to an evicted thread is dropped (no history starting mid-way) until it is cleared', () => {
    const store = createDoorHistoryStore({ maxThreadBytes: 1000, maxTotalBytes: 2000 });
    for (const id of ['a', 'b', 'c']) store.append(id, turnOf(900), context);
    expect(store.evicted('a')).toBe(true);
    store.append('a', turnOf(100), context);
    expect(store.load('a', context)).toEqual([]);
    expect(store.evicted('a')).toBe(true);
    store.clear('a', context);
    expect(store.evicted('a')).toBe(false);
    store.append('a', turnOf(100), context);
    expect(store.load('a', context)).toHaveLength(1);
    // The evicted thread's bytes left the total: three of 900 never fit in 2000.
    expect(heldBytes(store)).toBeLessThanOrEqual(2000);
  });

  it('a thread keeps its newest turns within maxThreadBytes, as before', () => {
    const store = createDoorHistoryStore({ maxThreadBytes: 2000, maxTotalBytes: 10_000 });
    for (let index = 0; index < 5; index++) store.append('a', turnOf(900), context);
    expect(store.snapshot('a')).toMatchObject({ droppedTurns: 3 });
    expect(store.load('a', context)).toHaveLength(2);
  });

  it('refuses bounds that are no whole bytes, and a total below the thread bound', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '5', Number.POSITIVE_INFINITY]) {
      expect(() => createDoorHistoryStore({ maxTotalBytes: bad as number })).toThrow(
        InvalidArgumentError,
      );
      expect(() => createDoorHistoryStore({ maxThreadBytes: bad as number })).toThrow(
        /maxThreadBytes/,
      );
    }
    expect(() => createDoorHistoryStore({ maxThreadBytes: 2000, maxTotalBytes: 1000 })).toThrow(
      /at least maxThreadBytes \(2000\)/,
    );
    // A total given alone lowers the thread bound with it.
    const small = createDoorHistoryStore({ maxTotalBytes: 1000 });
    small.append('a', turnOf(900), context);
    small.append('a', turnOf(900), context);
    expect(small.load('a', context)).toHaveLength(1);
  });

  it('a store of the caller’s own is never read as evicting', () => {
    const plain = { load: () => [], append: () => {}, clear: () => {} };
    expect(wasEvicted(plain, 'a')).toBe(false);
    expect(() => ownThread(plain, 'a', 'alice')).not.toThrow();
  });
});
