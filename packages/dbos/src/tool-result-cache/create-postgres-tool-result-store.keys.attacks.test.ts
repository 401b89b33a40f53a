// Attack (economy68): the fleet's tool-result store keyed by long arguments. A read tool's key is
// its arguments as canonical JSON, and a model passes a pasted paragraph as a search query; a
// `user` id may be long too. Both were the table's primary key as they were, and a Postgres B-tree
// entry holds at most about 2,700 bytes ("index row size … exceeds btree version 4 maximum 2704",
// postgresql.org/docs/current/btree.html#BTREE-IMPLEMENTATION): the write failed, and the cache
// ended the run that, without it, would have gone on. Long keys and partitions are kept by a head
// and a SHA-256 of the whole: found again exactly, invalidated by any prefix, never another's.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { fleetSearchRun, toolResultEntry } from '../__fixtures__/fleet-search-run.ts';
import { createPostgresToolResultStore } from '../index.ts';

let databaseUrl: string;
let pool: pg.Pool;
beforeAll(async () => {
  databaseUrl = await freshDatabase('tool_result_keys');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

/** Text that does not compress (a B-tree entry is compressed before its size is checked). */
function noise(length: number, seed: number): string {
  let text = '';
  let state = seed;
  while (text.length < length) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += state.toString(36);
  }
  return text.slice(0, length);
}

const entry = (text: string) => toolResultEntry(text, ['docs'], 'search');

describe('createPostgresToolResultStore with long keys and partitions', () => {
  it('keeps, finds, tells apart and invalidates entries whose key is 20,000 characters', async () => {
    const store = createPostgresToolResultStore({ pool, table: 'long_keys' });
    // Two keys alike for their first 100 characters and longer apart.
    const head = `search:{"q":"${noise(100, 1)}`;
    const one = `${head}${noise(20_000, 2)}"}`;
    const two = `${head}${noise(20_000, 3)}"}`;
    await store.set('user:ann', one, entry('1'));
    await store.set('user:ann', two, entry('2'));
    expect((await store.get('user:ann', one))?.text).toBe('1');
    expect((await store.get('user:ann', two))?.text).toBe('2');
    expect(await store.get('user:bob', one)).toBeUndefined();
    // A prefix longer than what is kept of the key as it is still invalidates it.
    expect(await store.invalidate('user:ann', { tags: [], prefixes: [one.slice(0, 5_000)] })).toBe(
      1,
    );
    expect(await store.get('user:ann', one)).toBeUndefined();
    expect((await store.get('user:ann', two))?.text).toBe('2');
    expect(await store.invalidate('user:ann', { tags: [], prefixes: ['search:{'] })).toBe(1);
    expect(await store.get('user:ann', two)).toBeUndefined();
  });

  it('keeps entries apart under two long partitions that share their start', async () => {
    const store = createPostgresToolResultStore({ pool, table: 'long_partitions' });
    const start = `user:${noise(4_000, 4)}`;
    await store.set(`${start}a`, 'search:{}', entry('a'));
    await store.set(`${start}b`, 'search:{}', entry('b'));
    expect((await store.get(`${start}a`, 'search:{}'))?.text).toBe('a');
    expect((await store.get(`${start}b`, 'search:{}'))?.text).toBe('b');
    expect(await store.invalidate(`${start}a`, { tags: ['docs'], prefixes: [] })).toBe(1);
    expect((await store.get(`${start}b`, 'search:{}'))?.text).toBe('b');
  });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) a fleet run whose read tool gets a 10,000-character query goes on and is served the second time`, async () => {
      const query = noise(10_000, streamed ? 5 : 6);
      const outcome = await fleetSearchRun({
        pool,
        table: 'long_key_runs',
        user: 'ann',
        query,
        streamed,
      });
      expect(outcome).toEqual({ text: 'Found it.', runs: 1, skips: [] });
    });
});
