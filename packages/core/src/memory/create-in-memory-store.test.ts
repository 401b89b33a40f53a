import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { MemoryError } from './memory-error.ts';

function store(options: Parameters<typeof createInMemoryStore>[0] = {}) {
  let id = 0;
  let clock = Date.UTC(2026, 10, 25);
  return createInMemoryStore({
    generateId: () => `m${++id}`,
    now: () => (clock += 1000),
    ...options,
  });
}

describe('createInMemoryStore', () => {
  it('adds a memory given its id once: added again (at once too), the first is returned', async () => {
    const memories = store();
    const [first, again] = await Promise.all([
      memories.add('u', { kind: 'fact', text: 'a', embedding: [1, 0], id: 'x-1' }),
      memories.add('u', { kind: 'episode', text: 'b', embedding: [0, 1], id: 'x-1' }),
    ]);
    expect(first).toMatchObject({ id: 'x-1', kind: 'fact', text: 'a' });
    expect(again).toEqual(first);
    // The id is the scope's own: another scope keeps its memory of the same id; no id, a new one.
    await memories.add('v', { kind: 'fact', text: 'c', embedding: [1, 0], id: 'x-1' });
    await memories.add('u', { kind: 'fact', text: 'a', embedding: [1, 0] });
    expect((await memories.list('u')).map(({ id }) => id)).toEqual(['x-1', 'm1']);
    expect(await memories.list('v')).toMatchObject([{ id: 'x-1', text: 'c' }]);
    for (const id of ['', 'x'.repeat(257), 'a\0b', 7]) {
      await expect(
        memories.add('u', { kind: 'fact', text: 'a', embedding: [1, 0], id: id as string }),
      ).rejects.toThrow(InvalidArgumentError);
    }
  });

  it('ranks a scope by cosine similarity, best first, above minScore, at most limit', async () => {
    const memories = store();
    await memories.add('u', { kind: 'fact', text: 'a', embedding: [1, 0] });
    await memories.add('u', { kind: 'fact', text: 'b', embedding: [1, 1] });
    await memories.add('u', { kind: 'fact', text: 'c', embedding: [0, 1] });
    const found = await memories.search('u', {
      text: 'q',
      embedding: [1, 0.1],
      limit: 2,
      minScore: 0.5,
    });
    expect(found.map(({ text }) => text)).toEqual(['a', 'b']);
    expect(found[0]?.score).toBeCloseTo(0.995, 3);
    expect(found[0]).not.toHaveProperty('embedding');
  });

  it('never shows, changes or deletes a memory of another scope, even by its id', async () => {
    const memories = store();
    const ana = await memories.add('ana', {
      kind: 'fact',
      text: 'Ana likes tea.',
      embedding: [1, 0],
    });
    expect(await memories.search('bob', { text: 'tea', embedding: [1, 0], limit: 5 })).toEqual([]);
    expect(await memories.list('bob')).toEqual([]);
    expect(await memories.get('bob', ana.id)).toBeUndefined();
    expect(await memories.update('bob', ana.id, { kind: 'episode' })).toBeUndefined();
    expect(await memories.delete('bob', ana.id)).toBe(false);
    expect(await memories.deleteAll('bob')).toBe(0);
    expect(await memories.list('ana')).toEqual([ana]);
  });

  it('lists, gets, updates, deletes one and deletes all of a scope', async () => {
    const memories = store();
    const first = await memories.add('u', { kind: 'fact', text: 'one', embedding: [1, 0] });
    const second = await memories.add('u', {
      kind: 'episode',
      text: 'two',
      embedding: [0, 1],
      metadata: { source: 'chat' },
    });
    expect(await memories.get('u', second.id)).toEqual(second);
    const changed = await memories.update('u', first.id, { text: 'uno', embedding: [0, 1] });
    expect(changed).toMatchObject({ id: first.id, text: 'uno', createdAt: first.createdAt });
    expect(changed?.updatedAt).not.toBe(first.updatedAt);
    // The new text is found by its new embedding.
    expect(
      (await memories.search('u', { text: 'q', embedding: [0, 1], limit: 1 }))[0]?.score,
    ).toBeCloseTo(1);
    expect(await memories.delete('u', second.id)).toBe(true);
    expect((await memories.list('u')).map(({ text }) => text)).toEqual(['uno']);
    expect(await memories.deleteAll('u')).toBe(1);
    expect(await memories.list('u')).toEqual([]);
  });

  it('drops the least recently changed memories past maxMemoriesPerScope, per scope', async () => {
    const memories = store({ maxMemoriesPerScope: 2 });
    const first = await memories.add('u', { kind: 'fact', text: 'one', embedding: [1] });
    await memories.add('u', { kind: 'fact', text: 'two', embedding: [1] });
    await memories.update('u', first.id, { kind: 'episode' });
    await memories.add('u', { kind: 'fact', text: 'three', embedding: [1] });
    await memories.add('other', { kind: 'fact', text: 'kept', embedding: [1] });
    expect((await memories.list('u')).map(({ text }) => text).sort()).toEqual(['one', 'three']);
    expect(await memories.list('other')).toHaveLength(1);
  });

  it('refuses bad input with typed errors that say what to give', async () => {
    const memories = store();
    await expect(memories.list('')).rejects.toThrow(InvalidArgumentError);
    await expect(memories.add('u', { kind: 'fact', text: ' ', embedding: [1] })).rejects.toThrow(
      /text/,
    );
    await expect(
      memories.add('u', { kind: 'note' as never, text: 'x', embedding: [1] }),
    ).rejects.toThrow(/kind/);
    await expect(
      memories.add('u', { kind: 'fact', text: 'x', embedding: [Number.NaN] }),
    ).rejects.toThrow(/finite/);
    const noEmbedding = memories.add('u', { kind: 'fact', text: 'x' });
    await expect(noEmbedding).rejects.toThrow(MemoryError);
    await expect(noEmbedding).rejects.toThrow(/createMemory\(\{ embed \}\)/);
    const first = await memories.add('u', { kind: 'fact', text: 'x', embedding: [1] });
    // A new text with its old embedding would be found by what it used to say.
    await expect(memories.update('u', first.id, { text: 'y' })).rejects.toThrow(/embedding/);
  });
});
