// Attack (econ2, economy68's leftover): Postgres is down under a fleet tool-result cache (stopped,
// or out of reach mid-run). A cache is an optimisation, yet the store's failed `get` ended the whole
// run as a PluginError. The suite's embedded Postgres is shared, so "down" is a pool pointed at a
// closed port, with a password in its URL that must reach no error or event: the run goes on with
// the tool run each time, uncached (a `skip` event, `reason: 'store-error'`), unary and streamed;
// a write whose invalidation fails ends the run typed (a `ToolResultCacheError`), without the URL.

import { createServer } from 'node:net';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { PluginError } from '@gemloop/core/plugins';
import { ToolResultCacheError, toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fleetSearchRun } from '../__fixtures__/fleet-search-run.ts';
import { createPostgresToolResultStore } from '../index.ts';

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

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) ends the run typed, without the URL, when a write cannot invalidate`, async () => {
      const fake = createFakeGemini({
        script: [turn.call('edit', { id: '7' }), turn.text('Edited.')],
      });
      const { url } = await fake.listen();
      try {
        let edits = 0;
        const edit = defineTool({
          name: 'edit',
          description: 'Edits.',
          parameters: z.object({ id: z.string() }),
          execute: () => ({ edited: ++edits }),
        });
        const agent = createAgent({
          gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
          model: 'gemini-2.5-flash',
          tools: [edit],
          plugins: [
            toolResultCache({
              scope: 'fleet',
              store: createPostgresToolResultStore({ pool, table: 'down_results' }),
              user: 'ann',
              tools: { edit: { effect: 'write', invalidates: { tags: ['docs'] } } },
            }),
          ],
        });
        const error = await (streamed ? agent.stream('Edit 7.').result : agent.run('Edit 7.')).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        // The write ran; what it changed could not be dropped from the cache.
        expect(edits).toBe(1);
        expect(PluginError.isInstance(error)).toBe(true);
        expect((error as PluginError).cause).toSatisfy(ToolResultCacheError.isInstance);
        expect((error as PluginError).cause).toMatchObject({
          reason: 'store-error',
          operation: 'invalidate',
          toolName: 'edit',
        });
        expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('hunter2');
      } finally {
        await fake.close();
      }
    });
});
