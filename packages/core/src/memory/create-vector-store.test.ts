import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createVectorStore, type VectorStoreBackend } from './create-vector-store.ts';
import { MemoryError } from './memory-error.ts';
import type { EmbeddedMemory } from './rank-by-similarity.ts';

/** A backend over a Map that records what each operation saw, and a clock the test moves. */
function harness(options: { maxMemoriesPerScope?: number } = {}) {
  const scopes = new Map<string, EmbeddedMemory[]>();
  const operations: string[] = [];
  const backend: VectorStoreBackend = {
    async transact(scope, operation, change) {
      operations.push(`${operation}:${scope}`);
      const { records, value } = change(scopes.get(scope) ?? []);
      if (records !== undefined) scopes.set(scope, records);
      return value;
    },
  };
  let id = 0;
  const clock = { now: Date.UTC(2026, 10, 26, 1, 0, 0) };
  const store = createVectorStore(backend, {
    ...options,
    generateId: () => `m${++id}`,
    now: () => clock.now,
  });
  return { store, scopes, operations, clock };
}

describe('createVectorStore', () => {
  it('stamps a new memory with the clock and keeps a copy of its embedding', async () => {
    const { store, scopes } = harness();
    const embedding = [0.5, 0.5];
    const added = await store.add('u', { kind: 'fact', text: 'Likes tea.', embedding });
    expect(added).toEqual({
      id: 'm1',
      scope: 'u',
      kind: 'fact',
      text: 'Likes tea.',
      createdAt: '2026-11-26T01:00:00.000Z',
      updatedAt: '2026-11-26T01:00:00.000Z',
    });
    // The caller reusing its array afterwards changes nothing stored.
    embedding[0] = -1;
    expect(scopes.get('u')?.[0]?.embedding).toEqual([0.5, 0.5]);
  });

  it('drops the least recently changed memory past maxMemoriesPerScope, not one just updated', async () => {
    const { store, clock } = harness({ maxMemoriesPerScope: 2 });
    const first = await store.add('u', { kind: 'fact', text: 'one', embedding: [1, 0] });
    clock.now += 1000;
    const second = await store.add('u', { kind: 'fact', text: 'two', embedding: [0, 1] });
    clock.now += 1000;
    await store.update('u', first.id, { kind: 'episode' });
    clock.now += 1000;
    const third = await store.add('u', { kind: 'fact', text: 'three', embedding: [1, 1] });
    expect((await store.list('u')).map(({ id }) => id)).toEqual([first.id, third.id]);
    expect(await store.get('u', second.id)).toBeUndefined();
  });

  it('keeps the memory it just added when the clock stepped back (an NTP correction)', async () => {
    const { store, clock } = harness({ maxMemoriesPerScope: 2 });
    await store.add('u', { kind: 'fact', text: 'one', embedding: [1, 0] });
    clock.now += 60_000;
    const second = await store.add('u', { kind: 'fact', text: 'two', embedding: [0, 1] });
    clock.now -= 120_000;
    const third = await store.add('u', { kind: 'fact', text: 'three', embedding: [1, 1] });
    // add() returned `third`: it must be stored, and found by get and search.
    expect(await store.get('u', third.id)).toEqual(third);
    expect((await store.list('u')).map(({ id }) => id)).toEqual([second.id, third.id]);
  });

  it('keeps memories added within one millisecond in the order they came when it drops', async () => {
    const { store } = harness({ maxMemoriesPerScope: 3 });
    const ids: string[] = [];
    for (const text of ['a', 'b', 'c', 'd', 'e']) {
      ids.push((await store.add('u', { kind: 'fact', text, embedding: [1] })).id);
    }
    expect((await store.list('u')).map(({ id }) => id)).toEqual(ids.slice(2));
  });

  it('refuses a memory without an embedding, and a query without one, with a MemoryError that says how', async () => {
    const { store, operations } = harness();
    const error = await store.add('u', { kind: 'fact', text: 'x' }).catch((thrown) => thrown);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as MemoryError).operation).toBe('add');
    expect((error as Error).message).toContain('createMemory({ embed })');
    const search = await store.search('u', { text: 'x', limit: 1 }).catch((thrown) => thrown);
    expect((search as MemoryError).operation).toBe('search');
    // Nothing reached the backend.
    expect(operations).toEqual([]);
  });

  it('refuses embeddings with NaN, Infinity, strings or no numbers at all', async () => {
    const { store } = harness();
    for (const embedding of [[], [Number.NaN], [1, Number.POSITIVE_INFINITY], ['1'], null]) {
      await expect(
        store.add('u', { kind: 'fact', text: 'x', embedding: embedding as number[] }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('refuses a new text without its new embedding (it would be found by what it used to say)', async () => {
    const { store } = harness();
    const added = await store.add('u', { kind: 'fact', text: 'old', embedding: [1, 0] });
    await expect(store.update('u', added.id, { text: 'new' })).rejects.toSatisfy((error: unknown) =>
      MemoryError.isInstance(error),
    );
    expect((await store.get('u', added.id))?.text).toBe('old');
    const changed = await store.update('u', added.id, { text: 'new', embedding: [0, 1] });
    expect(changed?.text).toBe('new');
    const [found] = await store.search('u', { text: 'q', embedding: [0, 1], limit: 1 });
    expect(found?.score).toBeCloseTo(1, 12);
  });

  it('keeps createdAt and moves updatedAt on update; undefined for an unknown id', async () => {
    const { store, clock } = harness();
    const added = await store.add('u', { kind: 'fact', text: 'x', embedding: [1] });
    clock.now += 5000;
    const changed = await store.update('u', added.id, { metadata: { source: 'chat' } });
    expect(changed).toMatchObject({
      createdAt: '2026-11-26T01:00:00.000Z',
      updatedAt: '2026-11-26T01:00:05.000Z',
      metadata: { source: 'chat' },
    });
    expect(await store.update('u', 'no-such-id', { kind: 'episode' })).toBeUndefined();
  });

  it('keeps scopes named like Object.prototype keys apart', async () => {
    const { store } = harness();
    for (const scope of ['__proto__', 'constructor', 'toString', 'user-😀']) {
      await store.add(scope, { kind: 'fact', text: `about ${scope}`, embedding: [1] });
    }
    expect((await store.list('__proto__')).map(({ text }) => text)).toEqual(['about __proto__']);
    expect((await store.list('user-😀')).map(({ text }) => text)).toEqual(['about user-😀']);
    expect(await store.deleteAll('constructor')).toBe(1);
    expect(await store.list('toString')).toHaveLength(1);
  });

  it('refuses an empty, a too long or a non-string scope before touching the backend', async () => {
    const { store, operations } = harness();
    for (const scope of ['', 'x'.repeat(257), 42, undefined]) {
      await expect(store.list(scope as string)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await store.list('x'.repeat(256))).toEqual([]);
    expect(operations).toEqual([`list:${'x'.repeat(256)}`]);
  });

  it('refuses an unknown kind and a blank or too long text', async () => {
    const { store } = harness();
    const bad = [
      { kind: 'opinion', text: 'x' },
      { kind: 'fact', text: ' \n\t ' },
      { kind: 'fact', text: 'x'.repeat(4001) },
    ];
    for (const memory of bad) {
      await expect(
        store.add('u', { ...memory, embedding: [1] } as Parameters<typeof store.add>[1]),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    // 2000 emoji are 4000 UTF-16 units: at the bound, taken.
    await expect(
      store.add('u', { kind: 'fact', text: '😀'.repeat(2000), embedding: [1] }),
    ).resolves.toMatchObject({ text: '😀'.repeat(2000) });
  });

  it('deletes one memory by id and reports whether there was one', async () => {
    const { store } = harness();
    const added = await store.add('u', { kind: 'fact', text: 'x', embedding: [1] });
    expect(await store.delete('u', 'other')).toBe(false);
    expect(await store.delete('u', added.id)).toBe(true);
    expect(await store.delete('u', added.id)).toBe(false);
    expect(await store.deleteAll('u')).toBe(0);
  });
});

describe('createVectorStore options', () => {
  const backend: VectorStoreBackend = {
    transact: async (_scope, _operation, change) => change([]).value,
  };

  it('refuses a maxMemoriesPerScope that would keep nothing, or bound nothing (NaN)', () => {
    for (const maxMemoriesPerScope of [0, -1, 1.5, Number.NaN, '10']) {
      expect(() =>
        createVectorStore(backend, { maxMemoriesPerScope: maxMemoriesPerScope as number }),
      ).toThrow(/maxMemoriesPerScope must be a positive whole number/);
    }
    expect(() =>
      createVectorStore(backend, { maxMemoriesPerScope: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  it('keeps exactly one memory, the newest, with maxMemoriesPerScope 1', async () => {
    const scopes = new Map<string, EmbeddedMemory[]>();
    let id = 0;
    const store = createVectorStore(
      {
        async transact(scope, _operation, change) {
          const { records, value } = change(scopes.get(scope) ?? []);
          if (records !== undefined) scopes.set(scope, records);
          return value;
        },
      },
      { maxMemoriesPerScope: 1, generateId: () => `m${++id}` },
    );
    await store.add('u', { kind: 'fact', text: 'a', embedding: [1] });
    const last = await store.add('u', { kind: 'fact', text: 'b', embedding: [1] });
    expect(await store.list('u')).toEqual([last]);
  });
});
