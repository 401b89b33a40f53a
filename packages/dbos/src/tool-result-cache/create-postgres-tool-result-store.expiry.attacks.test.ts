// Attack (economy68): a fleet cache whose read tool's `ttlMs` is a fraction (`60_000 / 7`, a
// config's `1.5` minutes in ms) or Infinity. The entry's expiry was `now() + ttlMs` as it came, and
// the table keeps it as a bigint: Postgres refused `1733…857.142` and `Infinity` ("invalid input
// syntax for type bigint"), and the cache ended the run. The expiry is a whole millisecond
// (rounded up); Infinity keeps the result until invalidated, as no TTL does; a TTL past what a
// date can hold is refused where the cache is made, naming it.

import { InvalidArgumentError } from '@gemloop/core';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { fleetSearchRun } from '../__fixtures__/fleet-search-run.ts';
import { createPostgresToolResultStore } from '../index.ts';

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('tool_result_expiry'), max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

describe('a fleet tool-result cache with an odd ttlMs', () => {
  for (const ttlMs of [60_000 / 7, 90_000.5, Number.POSITIVE_INFINITY])
    for (const streamed of [false, true])
      it(`(${streamed ? 'streamed' : 'unary'}) ttlMs ${ttlMs}: the run goes on and the second call is served`, async () => {
        const outcome = await fleetSearchRun({
          pool,
          table: 'odd_ttls',
          user: `ann-${ttlMs}-${streamed}`,
          query: 'a',
          ttlMs,
          streamed,
        });
        expect(outcome).toEqual({ text: 'Found it.', runs: 1, skips: [] });
      });

  it('refuses a ttlMs past what a date can hold, naming it', () => {
    const store = createPostgresToolResultStore({ pool, table: 'odd_ttls' });
    let error: unknown;
    try {
      toolResultCache({
        scope: 'fleet',
        store,
        user: 'ann',
        tools: { search: { effect: 'read', ttlMs: 1e300 } },
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'toolResultCache.tools.search.ttlMs' });
  });
});
