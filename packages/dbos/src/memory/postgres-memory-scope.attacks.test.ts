// User ids that Postgres cannot hold as they are (attack32). node-postgres sends text as UTF-8,
// and a lone surrogate (half of a UTF-16 pair: "\uD800", "\uDBFF") has no UTF-8 form, so each
// became U+FFFD on the wire: two users whose ids differed only there shared one scope in the
// table, and one recalled the other's memories. A NUL (`\u0000`) is refused by Postgres text
// with a raw driver error. The store must refuse such an id typed, before any row is read.
import { InvalidArgumentError } from '@gemloop/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresMemoryStore } from '../index.ts';

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('memories_scope_attacks'), max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

describe('createPostgresMemoryStore given user ids Postgres cannot hold as they are', () => {
  it('never lets one user recall the memories of another whose id differs by a lone surrogate', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'surrogate_scopes' });
    const alice = 'user-\uD800';
    const mallory = 'user-\uDBFF';
    const added = await failure(
      store.add(alice, { kind: 'fact', text: "alice's secret", embedding: [1, 0] }),
    );
    expect(added).toBeInstanceOf(InvalidArgumentError);
    expect((added as InvalidArgumentError).argument).toBe('scope');
    expect((added as Error).message).toMatch(/lone surrogate .* at index 5/);
    const recalled = await failure(
      store.search(mallory, { text: 'q', embedding: [1, 0], limit: 5 }),
    );
    expect(recalled).toBeInstanceOf(InvalidArgumentError);
    // Nothing reached the table under the id both became on the wire.
    expect(await store.list('user-\uFFFD')).toEqual([]);
    // A well-formed pair (an emoji) is a character, and its user is kept apart.
    await store.add('user-\uD83D\uDE00', { kind: 'fact', text: 'emoji', embedding: [1, 0] });
    expect((await store.list('user-\uD83D\uDE00')).map(({ text }) => text)).toEqual(['emoji']);
    expect(await store.list('user-\uFFFD')).toEqual([]);
  });

  it('refuses a user id holding a NUL with an InvalidArgumentError naming `scope`', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'nul_scopes' });
    for (const call of [
      () => store.add('user\u0000x', { kind: 'fact', text: 'note', embedding: [1, 0] }),
      () => store.list('user\u0000x'),
      () => store.search('user\u0000x', { text: 'q', embedding: [1, 0], limit: 1 }),
    ]) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('scope');
    }
  });

  it('refuses a memory text holding a NUL or a lone surrogate, naming `text`, and stores nothing', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'nul_texts' });
    for (const text of ['before\u0000after', 'half \uD83D of an emoji']) {
      const error = await failure(store.add('u', { kind: 'fact', text, embedding: [1, 0] }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('text');
    }
    const metadataError = await failure(
      store.add('u', {
        kind: 'fact',
        text: 'note',
        embedding: [1, 0],
        metadata: { tag: 'a\u0000' },
      }),
    );
    expect(metadataError).toBeInstanceOf(InvalidArgumentError);
    expect((metadataError as InvalidArgumentError).argument).toBe('metadata');
    expect(await store.list('u')).toEqual([]);
    // A written backslash and "u0000" is text, not a NUL, and is kept as it is.
    const kept = await store.add('u', {
      kind: 'fact',
      text: 'a path C:\\u0000',
      embedding: [1, 0],
      metadata: { tag: '\\u0000' },
    });
    expect(await store.get('u', kept.id)).toMatchObject({
      text: 'a path C:\\u0000',
      metadata: { tag: '\\u0000' },
    });
  });

  it('keeps ids that differ by case or Unicode normalisation apart, as any two ids', async () => {
    const store = createPostgresMemoryStore({ pool, table: 'near_scopes' });
    await store.add('Alice', { kind: 'fact', text: 'upper', embedding: [1, 0] });
    await store.add('caf\u00e9', { kind: 'fact', text: 'composed', embedding: [1, 0] });
    expect(await store.list('alice')).toEqual([]);
    expect(await store.list('cafe\u0301')).toEqual([]);
    expect((await store.list('Alice')).map(({ text }) => text)).toEqual(['upper']);
  });
});
