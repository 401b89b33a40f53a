// The ids a store's `generateId` makes (knowledge67). A given `id` was checked (a non-empty string
// of at most 256 characters, no NUL), a generated one not at all: a `generateId` answering a
// number, '' or a 1 MB string had the memory kept, and the file store wrote it, so its next read
// refused the whole file ("no string `id`") for every user in it. And a generated id the scope
// already held was kept beside the old memory: a counter that starts again (`() => `m${++n}``, a
// new process on the same file) gave two memories one id, so `get` and `update` reached only the
// first and `delete` removed both; Postgres (`ON CONFLICT ... DO UPDATE`) overwrote the old memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { MemoryError } from './memory-error.ts';
import type { MemoryStore } from './memory-store.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-ids-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

type Make = (generateId: () => string, name?: string) => MemoryStore;
const stores: [string, Make][] = [
  ['in-memory', (generateId) => createInMemoryStore({ generateId })],
  [
    'file',
    (generateId, name = 'memories.jsonl') =>
      createFileMemoryStore({ path: join(folder, name), generateId }),
  ],
];

const thrown = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const memory = (text: string) => ({ kind: 'fact' as const, text, embedding: [1, 0] });

describe.each(stores)('the %s store whose generateId misbehaves', (_, make) => {
  it.each<[string, unknown]>([
    ['a number', 42],
    ['an empty string', ''],
    ['a string of 300 characters', 'i'.repeat(300)],
    ['a string holding a NUL', 'a\0b'],
  ])('refuses an id that is %s, naming generateId; other users unharmed', async (__, id) => {
    const good = make(() => crypto.randomUUID());
    await good.add('bo', memory('likes tea'));
    const error = await thrown(make(() => id as string).add('ana', memory('walks')));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('generateId');
    expect((error as Error).message).not.toContain('iiiiiiii');
    expect((await good.list('bo')).map(({ text }) => text)).toEqual(['likes tea']);
    expect(await good.list('ana')).toEqual([]);
  });

  it('refuses a generated id the scope already holds, keeping the old memory whole', async () => {
    let count = 0;
    const first = make(() => `m${++count}`);
    await first.add('ana', memory('likes tea'));
    count = 0; // a new process, its counter started again
    const error = await thrown(first.add('ana', memory('walks')));
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'add' });
    expect((error as Error).message).toMatch(/generateId gave "m1", an id the scope already holds/);
    expect((await first.list('ana')).map(({ id, text }) => [id, text])).toEqual([
      ['m1', 'likes tea'],
    ]);
    // The same id in another scope is another memory.
    count = 0;
    expect((await first.add('bo', memory('walks'))).id).toBe('m1');
  });
});
