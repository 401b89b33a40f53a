import { InvalidArgumentError } from '@gemloop/core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresBudgetPool } from './create-postgres-budget-pool.ts';

// attack20: createPostgresBudgetPool checked its options by hand, without the declaration the
// other Postgres stores have: a misspelt `leasMs` was dropped without a word (an hour's lease
// kept), `{ pool, connectionString }` together took the pool and ignored the string, and the
// connection options were read twice (a getter could give the check one database and the store
// another). No Postgres here: a pool that records the SQL, as attack17's store test does.

function recordingPool(): pg.Pool {
  const query = async () => ({ rows: [], rowCount: 0 });
  const client = { query, release: () => {}, on: () => client, off: () => client };
  const pool = { query, connect: async () => client, on: () => pool, end: async () => {} };
  return pool as unknown as pg.Pool;
}

describe('createPostgresBudgetPool checks its options', () => {
  it('names a misspelt option', () => {
    const make = () =>
      createPostgresBudgetPool({
        pool: recordingPool(),
        name: 'team',
        maxCostUsd: 5,
        leasMs: 60_000,
      } as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument: 'leasMs' }));
  });

  it('refuses a pool and a connection string together', () => {
    const make = () =>
      createPostgresBudgetPool({
        pool: recordingPool(),
        connectionString: 'postgres://localhost/x',
        name: 'team',
        maxCostUsd: 5,
      } as never);
    expect(make).toThrow(InvalidArgumentError);
  });

  it('reads each option once', async () => {
    const values: Record<string, unknown> = {
      pool: recordingPool(),
      name: 'team',
      maxCostUsd: 5,
      leaseMs: 60_000,
    };
    const reads: Record<string, number> = {};
    const options = {};
    for (const [key, value] of Object.entries(values)) {
      reads[key] = 0;
      Object.defineProperty(options, key, {
        enumerable: true,
        get: () => {
          reads[key] = (reads[key] ?? 0) + 1;
          return value;
        },
      });
    }
    const pool = createPostgresBudgetPool(options as never);
    // The recording pool has no rows: the read fails; what counts is what was read before.
    await pool.read().catch(() => undefined);
    expect(Object.entries(reads).filter(([, count]) => count > 1)).toEqual([]);
  });
});
