// A memory of another embedding length (knowledge67): an app that moved to another embedding
// model or size (`geminiEmbed({ dimensions: 1536 })` after 768), or an embed function of its own
// whose gateway answered another size, remembered the memory without a word. From then on every
// recall of that user failed with `EmbeddingLengthError` (the search compares the query with each
// stored vector), so the memory plugin failed every run of the user until someone found and
// deleted the row. A store now refuses the memory that would mix lengths, before keeping it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddingLengthError } from '../embeddings/embedding-length-error.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';
import type { MemoryStore } from './memory-store.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-lengths-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const stores: [string, (options?: { maxMemoriesPerScope: number }) => MemoryStore][] = [
  ['in-memory', (options) => createInMemoryStore(options)],
  [
    'file',
    (options) => createFileMemoryStore({ path: join(folder, 'memories.jsonl'), ...options }),
  ],
];

const thrown = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe.each(stores)('the %s store given a memory of another embedding length', (_, make) => {
  it('refuses an add whose embedding differs from the scope’s, keeping the scope searchable', async () => {
    const store = make();
    const old = await store.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0, 0] });
    const error = await thrown(
      store.add('ana', { kind: 'fact', text: 'likes trains', embedding: [1, 0] }),
    );
    expect(EmbeddingLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      expected: 3,
      received: 2,
      source: 'new-memory',
      memoryId: old.id,
    });
    expect((error as Error).message).toMatch(/re-embed/);
    expect((error as Error).message).not.toContain('likes');
    expect((await store.list('ana')).map(({ text }) => text)).toEqual(['likes tea']);
    const found = await store.search('ana', { text: 'tea?', embedding: [1, 0, 0], limit: 5 });
    expect(found.map(({ text }) => text)).toEqual(['likes tea']);
  });

  it('refuses an update that would give one memory another length than the others', async () => {
    const store = make();
    await store.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0, 0] });
    const other = await store.add('ana', { kind: 'fact', text: 'walks', embedding: [0, 1, 0] });
    const error = await thrown(store.update('ana', other.id, { text: 'runs', embedding: [0, 1] }));
    expect(error).toMatchObject({ expected: 3, received: 2, source: 'new-memory' });
    expect((await store.get('ana', other.id))?.text).toBe('walks');
  });

  it('takes another length in another scope, and for the only memory of a scope', async () => {
    const store = make();
    const only = await store.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0, 0] });
    await store.add('bo', { kind: 'fact', text: 'likes coffee', embedding: [1, 0] });
    // The scope's only memory re-embedded with a new size leaves no other to compare with.
    await store.update('ana', only.id, { text: 'likes green tea', embedding: [1, 0] });
    const found = await store.search('ana', { text: 'tea?', embedding: [1, 0], limit: 5 });
    expect(found.map(({ text }) => text)).toEqual(['likes green tea']);
  });

  it('takes a memory of another length that the bound drops the only old one for', async () => {
    const store = make({ maxMemoriesPerScope: 1 });
    await store.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0, 0] });
    await store.add('ana', { kind: 'fact', text: 'likes trains', embedding: [1, 0] });
    expect((await store.list('ana')).map(({ text }) => text)).toEqual(['likes trains']);
  });

  it('fails a remember through createMemory after a model change, the user still recalled', async () => {
    let size = 3;
    const memory = createMemory({
      store: make(),
      embed: async () => Array.from({ length: size }, (_, index) => (index === 0 ? 1 : 0)),
    });
    await memory.remember('ana', 'likes tea');
    size = 2;
    await expect(memory.remember('ana', 'likes trains')).rejects.toMatchObject({
      source: 'new-memory',
    });
    size = 3;
    expect((await memory.recall('ana', 'tea?')).map(({ text }) => text)).toEqual(['likes tea']);
  });
});
