// A memory's metadata that is no JSON object (knowledge67). The type says an object, but nothing
// checked it: an app's JavaScript (or a value from a request body) gave an array, a string or
// `null`, and the store kept it. The file store wrote it, and its next read refused the whole
// file ("a `metadata` that is not an object"): every user of the file lost every add, search and
// list until someone edited the file by hand. Postgres kept an array as jsonb and then refused to
// read the user's scope. Metadata JSON cannot hold (a BigInt, a cycle) came out of the file and
// Postgres stores as a bare TypeError of JSON.stringify, naming no argument.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';
import type { MemoryStore } from './memory-store.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-metadata-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const stores: [string, () => MemoryStore][] = [
  ['in-memory', () => createInMemoryStore()],
  ['file', () => createFileMemoryStore({ path: join(folder, 'memories.jsonl') })],
];

const cyclic = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { a: 1 };
  value['self'] = value;
  return value;
};

const bad: [string, () => unknown][] = [
  ['an array', () => [1, 2]],
  ['a string', () => 'vip'],
  ['a number', () => 7],
  ['null', () => null],
  ['a Date (JSON writes a string)', () => new Date(0)],
  ['an object holding a BigInt', () => ({ customer: 10n })],
  ['an object with a cycle', cyclic],
  // A title cut inside an emoji: Postgres refused the jsonb with a bare DatabaseError.
  ['a value holding a lone surrogate', () => ({ title: 'Trip \ud83d' })],
  ['a key holding a lone surrogate', () => ({ '\udc00': 1 })],
];

const thrown = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe.each(stores)('the %s store given metadata that is no JSON object', (_, make) => {
  it.each(bad)(
    'refuses %s on add and update, naming `metadata`; other users unharmed',
    async (__, value) => {
      const store = make();
      const bo = await store.add('bo', { kind: 'fact', text: 'likes tea', embedding: [1, 0] });
      const ana = await store.add('ana', { kind: 'fact', text: 'walks', embedding: [0, 1] });
      for (const call of [
        () =>
          store.add('ana', {
            kind: 'fact',
            text: 'runs',
            embedding: [1, 1],
            metadata: value() as Record<string, unknown>,
          }),
        () => store.update('ana', ana.id, { metadata: value() as Record<string, unknown> }),
      ]) {
        const error = await thrown(call());
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).argument).toBe('metadata');
        expect((error as Error).message).toMatch(/JSON object|lone surrogate/);
      }
      expect((await store.list('bo')).map(({ id }) => id)).toEqual([bo.id]);
      expect((await store.list('ana')).map(({ text }) => text)).toEqual(['walks']);
      expect((await store.get('ana', ana.id))?.metadata).toBeUndefined();
    },
  );

  it('keeps a plain object of JSON values', async () => {
    const store = make();
    const kept = await store.add('ana', {
      kind: 'fact',
      text: 'walks',
      embedding: [0, 1],
      metadata: {
        source: 'chat',
        tags: ['a'],
        nested: { n: 1, none: null },
        emoji: '🚆',
        raw: '\\ud83d',
      },
    });
    expect((await store.get('ana', kept.id))?.metadata).toEqual({
      source: 'chat',
      tags: ['a'],
      nested: { n: 1, none: null },
      emoji: '🚆',
      raw: '\\ud83d',
    });
  });
});

describe('createMemory given metadata that is no JSON object', () => {
  it('refuses it before the embedding call, which the refused memory would waste', async () => {
    let embedded = 0;
    const memory = createMemory({
      store: createInMemoryStore(),
      embed: async () => {
        embedded++;
        return [1, 0];
      },
    });
    const kept = await memory.remember('ana', 'walks');
    const metadata = ['vip'] as unknown as Record<string, unknown>;
    for (const call of [
      () => memory.remember('ana', 'runs', { metadata }),
      () => memory.update('ana', kept.id, { text: 'runs', metadata }),
    ]) {
      await expect(call()).rejects.toMatchObject({ argument: 'metadata' });
    }
    expect(embedded).toBe(1);
  });
});
