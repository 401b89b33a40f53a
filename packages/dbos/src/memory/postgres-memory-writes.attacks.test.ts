// Writes the store took and Postgres did not (knowledge67).
//
// A `generateId` that gives an id again: a counter that starts again in a new
// process (`() => `m${++n}``). The store wrote the new memory with `INSERT ... ON CONFLICT
// (scope, id) DO UPDATE`, so the add overwrote the user's old memory of that id without a word:
// its text, kind, metadata and embedding were gone. The add is now refused, typed, and the old
// memory kept.
//
// Metadata holding a lone surrogate (a title cut inside an emoji): JSON.stringify writes it as a
// `\udXXX` escape, which jsonb refuses, so the add failed with the driver's bare DatabaseError
// ("invalid input syntax for type json"), naming neither the argument nor a fix.
import { InvalidArgumentError } from '@gemloop/core';
import { MemoryError } from '@gemloop/core/memory';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresMemoryStore } from '../index.ts';

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('memories_write_attacks'), max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

describe('createPostgresMemoryStore whose generateId gives an id again', () => {
  it('refuses the add instead of overwriting the memory of that id', async () => {
    let count = 0;
    const generateId = () => `m${++count}`;
    const first = createPostgresMemoryStore({ pool, table: 'restarted_ids', generateId });
    await first.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0] });
    count = 0; // the next process
    const next = createPostgresMemoryStore({ pool, table: 'restarted_ids', generateId });
    const error = await next
      .add('ana', { kind: 'episode', text: 'booked a train', embedding: [0, 1] })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/generateId gave "m1"/);
    expect((await next.list('ana')).map(({ id, kind, text }) => [id, kind, text])).toEqual([
      ['m1', 'fact', 'likes tea'],
    ]);
  });
});

describe('createPostgresMemoryStore given metadata holding a lone surrogate', () => {
  it('refuses it typed, naming `metadata`, and keeps the user readable', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'surrogate_metadata' });
    await store.add('ana', { kind: 'fact', text: 'likes tea', embedding: [1, 0] });
    for (const metadata of [{ title: 'Trip \ud83d' }, { '\udc00': 1 }]) {
      const error = await store
        .add('ana', { kind: 'fact', text: 'booked a train', embedding: [0, 1], metadata })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('metadata');
    }
    expect((await store.list('ana')).map(({ text }) => text)).toEqual(['likes tea']);
  });
});
