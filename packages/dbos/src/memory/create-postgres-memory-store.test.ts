// The Postgres memory store on the shared embedded Postgres (no pgvector): the exact search, the
// scopes kept apart, the edit and forget APIs, the per-scope bound under concurrent writers, and
// a recall through memoryPlugin from a new store (another process, a restart).

import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { createMemory, geminiEmbed, memoryPlugin } from '@gemloop/core/memory';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresMemoryStore } from '../index.ts';

let databaseUrl: string;
let pool: pg.Pool;
beforeAll(async () => {
  databaseUrl = await freshDatabase('memories');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

describe('createPostgresMemoryStore', () => {
  it('ranks by cosine over the scope only, and keeps memories across stores', async () => {
    const first = createPostgresMemoryStore({ connectionString: databaseUrl });
    const tea = await first.add('ana', {
      kind: 'fact',
      text: 'Ana likes tea.',
      embedding: [1, 0],
      metadata: { from: 'chat' },
    });
    await first.add('ana', { kind: 'episode', text: 'Ana moved.', embedding: [0, 1] });
    await first.add('bob', { kind: 'fact', text: 'Bob likes tea.', embedding: [1, 0] });
    await first.close();
    const second = createPostgresMemoryStore({ pool });
    const found = await second.search('ana', {
      text: 'tea',
      embedding: [1, 0.1],
      limit: 5,
      minScore: 0.5,
    });
    expect(found.map(({ text }) => text)).toEqual(['Ana likes tea.']);
    expect(found[0]).toMatchObject({ ...tea, score: expect.any(Number) });
    expect(await second.get('bob', tea.id)).toBeUndefined();
    expect(await second.delete('bob', tea.id)).toBe(false);
    expect(await second.update('bob', tea.id, { kind: 'episode' })).toBeUndefined();
    expect((await second.list('ana')).map(({ text }) => text)).toEqual([
      'Ana likes tea.',
      'Ana moved.',
    ]);
  });

  it('updates, deletes one and deletes all of a scope', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'edited_memories' });
    const one = await store.add('u', { kind: 'fact', text: 'one', embedding: [1, 0] });
    const two = await store.add('u', { kind: 'fact', text: 'two', embedding: [0, 1] });
    const changed = await store.update('u', one.id, { text: 'uno', embedding: [0, 1] });
    expect(changed).toMatchObject({ id: one.id, text: 'uno', createdAt: one.createdAt });
    expect(await store.get('u', one.id)).toEqual(changed);
    expect(await store.delete('u', two.id)).toBe(true);
    expect(await store.deleteAll('u')).toBe(1);
    expect(await store.list('u')).toEqual([]);
  });

  it('holds at most maxMemoriesPerScope per scope, even with concurrent writers', async () => {
    const writers = [1, 2, 3].map(() =>
      createPostgresMemoryStore({ pool, table: 'bounded_memories', maxMemoriesPerScope: 5 }),
    );
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (writers[index % 3] as (typeof writers)[number]).add('u', {
          kind: 'fact',
          text: `fact ${index}`,
          embedding: [1, index],
        }),
      ),
    );
    expect(await writers[0]?.list('u')).toHaveLength(5);
  });

  it('keeps a memory added under its id once, even by two stores (two workers) at once', async () => {
    // What an extraction run twice (a takeover, a replay) does: the same id from each worker.
    const workers = [1, 2].map(() => createPostgresMemoryStore({ pool, table: 'keyed_memories' }));
    const added = await Promise.all(
      workers.map((store, index) =>
        store.add('u', { kind: 'fact', text: `fact ${index}`, embedding: [1, 0], id: 'x-1' }),
      ),
    );
    expect(added[1]).toEqual(added[0]);
    // A memory stored before, under a made-up id, is still read next to it.
    const older = await workers[0]?.add('u', { kind: 'fact', text: 'older', embedding: [0, 1] });
    expect((await workers[1]?.list('u'))?.map(({ id }) => id)).toEqual(['x-1', older?.id]);
  });

  it('refuses bad options and records without an embedding, typed', async () => {
    expect(() => createPostgresMemoryStore({ pool, table: 'x; DROP TABLE y' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createPostgresMemoryStore({} as never)).toThrow(/pool|connectionString/);
    const store = createPostgresMemoryStore({ pool });
    await expect(store.add('u', { kind: 'fact', text: 'x' })).rejects.toThrow(/embedding/);
    await expect(store.list('')).rejects.toThrow(InvalidArgumentError);
  });

  it('serves memoryPlugin: a later run, through a new store, recalls what an earlier one remembered', async () => {
    const fake = createFakeGemini({
      script: [turn.text('Tea.')],
      embed: ({ text, dimensions }) => {
        const vector = new Array<number>(dimensions).fill(0);
        vector[0] = /tea/i.test(text) ? 1 : 0;
        vector[1] = 0.1;
        return vector;
      },
    });
    const { url } = await fake.listen();
    try {
      const gemini = createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false });
      const embed = geminiEmbed({ gemini, dimensions: 128 });
      const writer = createMemory({
        store: createPostgresMemoryStore({ pool, table: 'agent_memories' }),
        embed,
      });
      await writer.remember('cy', 'Cy drinks tea.');
      const memory = createMemory({
        store: createPostgresMemoryStore({ pool, table: 'agent_memories' }),
        embed,
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
      await agent.run('Tea or coffee?', { plugins: [memoryPlugin({ memory, scope: 'cy' })] });
      const sent = fake.requests.find(({ method }) => method === 'generateContent')?.body;
      expect(JSON.stringify(sent)).toContain('Cy drinks tea.');
    } finally {
      await fake.close();
    }
  });
});
