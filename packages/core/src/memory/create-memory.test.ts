import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { wordEmbedding } from './__fixtures__/memory-fake.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory, DEFAULT_RECALL_LIMIT } from './create-memory.ts';
import type { MemoryEmbed } from './gemini-embed.ts';
import { MemoryError } from './memory-error.ts';

/** A memory over the in-memory store and the bag-of-words embedding, recording each embed call. */
function memoryWithCalls(embedOverride?: MemoryEmbed) {
  const calls: { text: string; purpose: string; signal: AbortSignal | undefined }[] = [];
  let id = 0;
  const embed: MemoryEmbed = async (input) => {
    calls.push({ text: input.text, purpose: input.purpose, signal: input.signal });
    return embedOverride === undefined ? wordEmbedding(input.text) : embedOverride(input);
  };
  const memory = createMemory({
    store: createInMemoryStore({ generateId: () => `m${++id}` }),
    embed,
  });
  return { memory, calls };
}

describe('createMemory', () => {
  it('refuses a missing store or one that cannot search, naming the stores that can', () => {
    for (const store of [undefined, null, {}, { search: 'no' }]) {
      expect(() =>
        createMemory({ store } as unknown as Parameters<typeof createMemory>[0]),
      ).toThrow(InvalidArgumentError);
    }
    expect(() => createMemory({} as Parameters<typeof createMemory>[0])).toThrow(
      /createInMemoryStore\(\)/,
    );
  });

  it('remembers a text embedded as a document and recalls it by a query embedded as a query', async () => {
    const { memory, calls } = memoryWithCalls();
    const signal = new AbortController().signal;
    const train = await memory.remember('ana', 'Ana likes to travel by train.', { signal });
    await memory.remember('ana', 'Ana has a cat.', { kind: 'episode' });
    const found = await memory.recall('ana', 'Is the train a good way to travel?', { signal });
    expect(found.map(({ id }) => id)).toEqual([train.id]);
    expect(found[0]?.score).toBeGreaterThan(0.3);
    expect(calls.map(({ purpose }) => purpose)).toEqual(['document', 'document', 'query']);
    expect(calls[0]?.signal).toBe(signal);
    expect(calls[2]?.signal).toBe(signal);
  });

  it('recalls at most five memories scoring 0.3 or more by default', async () => {
    const { memory } = memoryWithCalls();
    for (let index = 0; index < 8; index++) await memory.remember('u', `train number ${index}`);
    await memory.remember('u', 'A dog.');
    const found = await memory.recall('u', 'train');
    expect(found).toHaveLength(DEFAULT_RECALL_LIMIT);
    expect(found.every(({ text }) => text.startsWith('train'))).toBe(true);
  });

  it('refuses a recall limit that is not a positive whole number instead of answering wrongly', async () => {
    const { memory } = memoryWithCalls();
    for (let index = 0; index < 3; index++) await memory.remember('u', `train ${index}`);
    // slice(0, -1) kept all but the worst, slice(0, NaN) nothing, slice(0, 1.5) one: a silent,
    // wrong answer each time (and Vertex's topK a server error).
    for (const limit of [-1, 0, 1.5, Number.NaN, '2']) {
      await expect(memory.recall('u', 'train', { limit: limit as number })).rejects.toSatisfy(
        (error: unknown) =>
          InvalidArgumentError.isInstance(error) &&
          /limit must be a positive whole number/.test(String(error)),
      );
    }
    expect(await memory.recall('u', 'train', { limit: 2 })).toHaveLength(2);
  });

  it('refuses a minScore that is not a number (NaN let every memory through)', async () => {
    const { memory } = memoryWithCalls();
    await memory.remember('u', 'A dog.');
    for (const minScore of [Number.NaN, '0.5', null]) {
      await expect(
        memory.recall('u', 'train', { minScore: minScore as number }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    // A score is a cosine, -1 to 1: above 1 nothing would pass, so it is refused too (run68);
    // at -1 everything passes.
    await expect(memory.recall('u', 'dog', { minScore: 1.5 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await memory.recall('u', 'dog', { minScore: 1 })).toHaveLength(1);
    expect(await memory.recall('u', 'train', { minScore: -1 })).toHaveLength(1);
  });

  it('checks the scope and the text before it spends an embedding call', async () => {
    const { memory, calls } = memoryWithCalls();
    await expect(memory.remember('', 'text')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(memory.remember('u', '   ')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(memory.recall('u', 'x'.repeat(4001))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(memory.recall('u', 'train', { limit: -1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(calls).toEqual([]);
  });

  it('wraps an embedding failure in a MemoryError (embed) that keeps the cause and no text', async () => {
    const failure = new Error('quota');
    const { memory } = memoryWithCalls(async () => {
      throw failure;
    });
    const error = await memory
      .remember('u', 'My card is 4111 1111 1111 1111.')
      .catch((thrown: unknown) => thrown);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'embed', cause: failure });
    expect(String((error as Error).message)).not.toContain('4111');
    const query = await memory.recall('u', 'card').catch((thrown: unknown) => thrown);
    expect((query as Error).message).toContain('query');
  });

  it('refuses an embedding of NaN from the embed function instead of storing it', async () => {
    const { memory } = memoryWithCalls(async () => [Number.NaN, 1]);
    await expect(memory.remember('u', 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await memory.list('u')).toEqual([]);
  });

  it('re-embeds on a text update only, and leaves other scopes alone', async () => {
    const { memory, calls } = memoryWithCalls();
    const cat = await memory.remember('ana', 'Ana has a cat.');
    expect(await memory.update('bob', cat.id, { text: 'Bob has a dog.' })).toBeUndefined();
    calls.length = 0;
    await memory.update('ana', cat.id, { kind: 'episode', metadata: { source: 'chat' } });
    expect(calls).toEqual([]);
    const changed = await memory.update('ana', cat.id, { text: 'Ana has a dog.' });
    expect(calls.map(({ text, purpose }) => [text, purpose])).toEqual([
      ['Ana has a dog.', 'document'],
    ]);
    expect(changed).toMatchObject({ text: 'Ana has a dog.', kind: 'episode' });
    expect((await memory.recall('ana', 'dog')).map(({ id }) => id)).toEqual([cat.id]);
    expect(await memory.recall('ana', 'cat')).toEqual([]);
  });

  it('forgets one memory and then all of a scope', async () => {
    const { memory } = memoryWithCalls();
    const one = await memory.remember('u', 'one train');
    await memory.remember('u', 'two trains');
    expect(await memory.forget('u', one.id)).toBe(true);
    expect(await memory.forget('u', one.id)).toBe(false);
    expect(await memory.forgetAll('u')).toBe(1);
    expect(await memory.list('u')).toEqual([]);
  });
});

describe('memoryPlugin recall bounds', () => {
  it('refuses a bad recall limit or minScore when the plugin is made, not on every run', async () => {
    const { memoryPlugin } = await import('./memory-plugin.ts');
    const { memory } = memoryWithCalls();
    expect(() => memoryPlugin({ memory, scope: 'u', recall: { limit: -3 } })).toThrow(
      /limit must be a positive whole number/,
    );
    expect(() => memoryPlugin({ memory, scope: 'u', recall: { minScore: Number.NaN } })).toThrow(
      /minScore must be a finite number/,
    );
    // limit 0 and `false` turn recall off, as before.
    expect(() => memoryPlugin({ memory, scope: 'u', recall: { limit: 0 } })).not.toThrow();
    expect(() => memoryPlugin({ memory, scope: 'u', recall: false })).not.toThrow();
  });
});
