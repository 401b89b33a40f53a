// A sparse embedding (attack63b): an embed function of the app's answering `new Array(768)`, or
// an array with a hole, passed the store's check (`every` skips holes), and the file store wrote
// the holes as `null`: every later add, search or list of every user of that file then failed on
// "line 1 has no `embedding` of finite numbers" until someone edited the file by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-sparse-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

// Built at each use: a shared array would be one object mutated by no one, but the holes are the point.
const holey = (): number[] => {
  const vector = [1, 2, 3];
  delete vector[1];
  return vector;
};

describe('a memory store given an embedding with holes', () => {
  const stores = () =>
    [
      ['in memory', createInMemoryStore()],
      ['file', createFileMemoryStore({ path: join(folder, 'memories.jsonl') })],
    ] as const;

  it('refuses add, update and search with an InvalidArgumentError naming `embedding`, and the store keeps working', async () => {
    for (const [, store] of stores()) {
      const kept = await store.add('ana', { kind: 'fact', text: 'tea', embedding: [1, 0, 0] });
      for (const embedding of [new Array(3), holey()]) {
        for (const call of [
          () => store.add('ana', { kind: 'fact', text: 'x', embedding }),
          () => store.update('ana', kept.id, { text: 'x', embedding }),
          () => store.search('ana', { text: 'q', embedding, limit: 1 }),
        ]) {
          const error = await call().then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as InvalidArgumentError).argument).toBe('embedding');
        }
      }
      const found = await store.search('ana', { text: 'q', embedding: [1, 0, 0], limit: 5 });
      expect(found.map(({ text }) => text)).toEqual(['tea']);
    }
  });

  it("fails a remember whose embed function answers an array with holes, and another user's memories still read", async () => {
    const store = createFileMemoryStore({ path: join(folder, 'memories.jsonl') });
    await store.add('bo', { kind: 'fact', text: 'coffee', embedding: [0, 1, 0] });
    const memory = createMemory({ store, embed: async () => new Array(3) });
    await expect(memory.remember('ana', 'tea')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await store.list('bo')).map(({ text }) => text)).toEqual(['coffee']);
    expect(await store.list('ana')).toEqual([]);
  });
});
