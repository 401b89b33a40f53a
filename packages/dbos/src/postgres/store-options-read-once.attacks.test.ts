import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresArtifactStore } from '../artifacts/create-postgres-artifact-store.ts';
import { createPostgresHistoryStore } from '../chat/create-postgres-history-store.ts';
import { createPostgresMemoryStore } from '../memory/create-postgres-memory-store.ts';
import { createPostgresToolResultStore } from '../tool-result-cache/create-postgres-tool-result-store.ts';
import { quoteTable } from './store-connection.ts';

// attack17: the Postgres stores checked `table` against the identifier rule and then read it
// again for their SQL, so an options object whose `table` getter (or a Proxy) gave the check a
// plain name and the store `x"; DROP TABLE ...` put that text in the CREATE TABLE they run on
// the first call: SQL from an option, past its check. Each store now reads each option once, and
// quoteTable doubles a `"` whatever reaches it. No Postgres here: a pool that records the SQL.

const HOSTILE = 'victims"; DROP TABLE victims; --';

/** A pg pool (and client) that records every statement and answers with no rows. */
function recordingPool(): { pool: pg.Pool; statements: string[] } {
  const statements: string[] = [];
  const query = async (text: string | { text: string }) => {
    statements.push(typeof text === 'string' ? text : text.text);
    return { rows: [], rowCount: 0 };
  };
  const client = { query, release: () => {}, on: () => client, off: () => client };
  const pool = { query, connect: async () => client, on: () => pool, end: async () => {} };
  return { pool: pool as unknown as pg.Pool, statements };
}

/** Options whose `table` is a plain name at the first read and hostile SQL at every later one. */
function shiftingTable<Options extends object>(options: Options): Options {
  let reads = 0;
  return Object.defineProperty(options, 'table', {
    enumerable: true,
    get: () => (reads++ === 0 ? 'gemloop_safe' : HOSTILE),
  });
}

describe('the Postgres stores against a table getter', () => {
  it.each([
    ['history', (pool: pg.Pool) => createPostgresHistoryStore(shiftingTable({ pool })).load('s1')],
    [
      'artifacts',
      (pool: pg.Pool) =>
        createPostgresArtifactStore(shiftingTable({ pool })).put(crypto.randomUUID(), 'x'),
    ],
    [
      'tool results',
      (pool: pg.Pool) => createPostgresToolResultStore(shiftingTable({ pool })).get('p', 'k'),
    ],
    [
      'memories',
      (pool: pg.Pool) => createPostgresMemoryStore(shiftingTable({ pool })).list('scope'),
    ],
  ])(
    'the %s store runs SQL on the table the check saw, never the text after it',
    async (_label, use) => {
      const { pool, statements } = recordingPool();
      // The recording pool answers no rows: a store may then fail; what was sent is what counts.
      await Promise.resolve()
        .then((): Promise<unknown> => use(pool))
        .catch(() => undefined);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.join('\n')).not.toContain('DROP TABLE');
      expect(statements.join('\n')).toContain('gemloop_safe');
    },
  );

  it('quoteTable keeps a name with a quote one quoted identifier', () => {
    expect(quoteTable('a"b')).toBe('"a""b"');
    expect(quoteTable('chat.turns')).toBe('"chat"."turns"');
    expect(quoteTable(HOSTILE)).toBe('"victims""; DROP TABLE victims; --"');
  });
});
