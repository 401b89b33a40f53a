// Attack (economy68): a fleet cache whose read tool's `ttlMs` is a fraction (`60_000 / 7`, a
// config's `1.5` minutes in ms) or Infinity. The entry's expiry was `now() + ttlMs` as it came, and
// the table keeps it as a bigint: Postgres refused `1733…857.142` and `Infinity` ("invalid input
// syntax for type bigint"), and the cache ended the run. The expiry is a whole millisecond
// (rounded up); Infinity keeps the result until invalidated, as no TTL does; a TTL past what a
// date can hold is refused where the cache is made, naming it.

import { createAgent, createGemini, defineTool, InvalidArgumentError } from '@gemloop/core';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freshDatabase } from '../__fixtures__/fleet.ts';
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
        const fake = createFakeGemini({
          script: [
            turn.call('search', { q: 'a' }),
            turn.call('search', { q: 'a' }),
            turn.text('Found it.'),
          ],
        });
        const { url } = await fake.listen();
        try {
          let runs = 0;
          const search = defineTool({
            name: 'search',
            description: 'Searches.',
            parameters: z.object({ q: z.string() }),
            execute: () => ({ hits: ++runs }),
          });
          const store = createPostgresToolResultStore({ pool, table: 'odd_ttls' });
          const agent = createAgent({
            gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
            model: 'gemini-2.5-flash',
            tools: [search],
            plugins: [
              toolResultCache({
                scope: 'fleet',
                store,
                user: `ann-${ttlMs}-${streamed}`,
                tools: { search: { effect: 'read', ttlMs } },
              }),
            ],
          });
          const result = streamed
            ? await agent.stream('Find it.').result
            : await agent.run('Find it.');
          expect(result.text).toBe('Found it.');
          expect(runs).toBe(1);
        } finally {
          await fake.close();
        }
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
