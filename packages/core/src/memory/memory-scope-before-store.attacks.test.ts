// `createMemory`'s `list`, `get`, `forget` and `forgetAll` handed the scope to the store as they
// got it (knowledge67), while `remember`, `recall` and `update` checked it first. gemloop's stores
// check it again, but an app's own `MemoryStore` (the interface is public, and
// docs/long-term-memory.md shows one over pgvector) got `''`, `undefined` or a number from a
// caller whose user id was missing: a store that filters with `scope LIKE $1 || '%'`, or that
// reads a missing filter as none, forgot every user's memories for one `forgetAll('')`.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createMemory } from './create-memory.ts';
import type { MemoryStore } from './memory-store.ts';

/** An app's store over a shared list that matches scopes by prefix, recording what it was given. */
function prefixStore(): { store: MemoryStore; calls: unknown[]; rows: { scope: string }[] } {
  const rows = [{ scope: 'ana' }, { scope: 'bo' }];
  const calls: unknown[] = [];
  const mine = (scope: string) => rows.filter((row) => row.scope.startsWith(String(scope ?? '')));
  const store: MemoryStore = {
    add: async () => {
      throw new Error('not used');
    },
    search: async () => [],
    list: async (scope) => {
      calls.push(['list', scope]);
      return [];
    },
    get: async (scope) => {
      calls.push(['get', scope]);
      return undefined;
    },
    update: async () => undefined,
    delete: async (scope) => {
      calls.push(['delete', scope]);
      return false;
    },
    deleteAll: async (scope) => {
      calls.push(['deleteAll', scope]);
      const gone = mine(scope);
      rows.splice(0, rows.length, ...rows.filter((row) => !gone.includes(row)));
      return gone.length;
    },
  };
  return { store, calls, rows };
}

describe("createMemory's reads and deletes given no user id", () => {
  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['undefined', undefined],
    ['a number', 42],
    ['a 300-character string', 'u'.repeat(300)],
    ['a lone surrogate', 'user-\ud800'],
  ])('refuses %s before the store sees it', async (_, scope) => {
    const { store, calls, rows } = prefixStore();
    const memory = createMemory({ store, embed: async () => [1, 0] });
    for (const call of [
      () => memory.list(scope as string),
      () => memory.get(scope as string, 'm1'),
      () => memory.forget(scope as string, 'm1'),
      () => memory.forgetAll(scope as string),
    ]) {
      await expect(call()).rejects.toMatchObject({ argument: 'scope' });
      await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(calls).toEqual([]);
    expect(rows).toHaveLength(2);
  });

  it('passes a user id on as it is', async () => {
    const { store, calls } = prefixStore();
    const memory = createMemory({ store, embed: async () => [1, 0] });
    await memory.list('ana');
    await memory.forgetAll('ana');
    expect(calls).toEqual([
      ['list', 'ana'],
      ['deleteAll', 'ana'],
    ]);
  });
});
