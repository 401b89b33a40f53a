// Embeddings of any length (attack32): an embed function of the app's, a gateway or a planted row
// gave a memory a million numbers, and every store kept it and read it back on each recall (8 MB
// a memory, gigabytes for a user at maxMemoriesPerScope). An embedding is bounded as a text is.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { MAX_EMBEDDING_DIMENSIONS } from './check-memory-input.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';
import { MemoryError } from './memory-error.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-embedding-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const vector = (length: number): number[] => Array.from({ length }, (_, index) => index % 3);

describe('a memory store given an embedding past the bound', () => {
  it('refuses add, update and search with an InvalidArgumentError naming `embedding` and its size', async () => {
    const store = createInMemoryStore();
    const kept = await store.add('ana', { kind: 'fact', text: 'tea', embedding: vector(8) });
    const huge = vector(1_000_000);
    for (const call of [
      () => store.add('ana', { kind: 'fact', text: 'x', embedding: huge }),
      () => store.update('ana', kept.id, { text: 'x', embedding: huge }),
      () => store.search('ana', { text: 'q', embedding: huge, limit: 1 }),
    ]) {
      const error = await call().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('embedding');
      expect((error as Error).message).toContain('got 1000000 numbers');
    }
    expect((await store.list('ana')).map(({ text }) => text)).toEqual(['tea']);
  });

  it('takes an embedding of exactly the bound', async () => {
    const store = createInMemoryStore();
    const big = vector(MAX_EMBEDDING_DIMENSIONS);
    await store.add('ana', { kind: 'fact', text: 'big', embedding: big });
    const [found] = await store.search('ana', { text: 'q', embedding: big, limit: 1 });
    expect(found?.text).toBe('big');
  });

  it("fails a remember whose embed function answers past the bound, naming the store's bound, storing nothing", async () => {
    const store = createInMemoryStore();
    const memory = createMemory({ store, embed: async () => vector(MAX_EMBEDDING_DIMENSIONS + 1) });
    await expect(memory.remember('ana', 'tea')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await store.list('ana')).toEqual([]);
  });

  it('refuses a planted file line whose embedding is past the bound, naming the line', async () => {
    const path = join(folder, 'memories.jsonl');
    await writeFile(
      path,
      `${JSON.stringify({
        id: 'm1',
        scope: 'ana',
        kind: 'fact',
        text: 'planted secret',
        createdAt: '2026-11-25T00:00:00.000Z',
        updatedAt: '2026-11-25T00:00:00.000Z',
        embedding: vector(MAX_EMBEDDING_DIMENSIONS + 1),
      })}\n`,
    );
    const store = createFileMemoryStore({ path });
    const error = await store.list('ana').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('line 1');
    expect((error as Error).message).toContain(`over ${MAX_EMBEDDING_DIMENSIONS} numbers`);
    expect((error as Error).message).not.toContain('planted secret');
  });
});
