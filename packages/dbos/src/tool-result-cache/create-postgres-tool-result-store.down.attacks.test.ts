// Attack (econ2, economy68's leftover): Postgres is down under a fleet tool-result cache (stopped,
// or out of reach mid-run). A cache is an optimisation, yet the store's failed `get` ended the whole
// run as a PluginError. The suite's embedded Postgres is shared, so "down" is a pool pointed at a
// closed port, with a password in its URL that must reach no error or event: the run goes on with
// the tool run each time, uncached (a `skip` event, `reason: 'store-error'`), unary and streamed.

import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetSearchRun } from '../__fixtures__/fleet-search-run.ts';

let pool: pg.Pool;
beforeAll(async () => {
  // A port that was just free and is closed again: every connection is refused at once.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  pool = new pg.Pool({
    connectionString: `postgres://app:hunter2-s3cret@127.0.0.1:${port}/cache`,
    connectionTimeoutMillis: 5_000,
  });
});
afterAll(async () => {
  await pool?.end();
});

describe('createPostgresToolResultStore with Postgres down', () => {
  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) runs the read tool uncached and finishes`, async () => {
      const { text, runs, skips } = await fleetSearchRun({
        pool,
        table: 'down_results',
        user: 'ann',
        query: 'apples',
        streamed,
      });
      expect(text).toBe('Found it.');
      expect(runs).toBe(2);
      // Each call: the read failed, then the keep.
      if (streamed)
        expect(skips).toEqual(
          ['get', 'set', 'get', 'set'].map((operation) => ({
            toolName: 'search',
            reason: 'store-error',
            operation,
            error: 'Error',
          })),
        );
    });
});
