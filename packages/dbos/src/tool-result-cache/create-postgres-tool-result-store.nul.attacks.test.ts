// Attack (economy68): a model sends a NUL character in a cached read tool's arguments
// (`{"id":"a\u0000"}` is valid JSON, and a prompt injection can ask for it), where the app's
// `cacheKey`, `tags` and a write's `prefixes` take the id as it is. Postgres text holds no NUL
// ("invalid byte sequence for encoding "UTF8": 0x00"): the fleet store's write failed, and the
// cache ended the run. A key, partition, tag or prefix with a NUL is kept by its digest (a key
// and a prefix by the head before the NUL too, so prefixes still reach it).

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { toolResultEntry } from '../__fixtures__/fleet-search-run.ts';
import { createPostgresToolResultStore } from '../index.ts';

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('tool_result_nul'), max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

const entry = toolResultEntry;

describe('the fleet tool-result store fed NUL characters', () => {
  it('keeps, tells apart and invalidates keys, partitions and tags holding NUL', async () => {
    const store = createPostgresToolResultStore({ pool, table: 'nul_keys' });
    await store.set('user:a\u0000', 'read_doc:doc/a\u0000b', entry('1', ['doc:a\u0000']));
    await store.set('user:a\u0000', 'read_doc:doc/a\u0000c', entry('2'));
    await store.set('user:a', 'read_doc:doc/a\u0000b', entry('3'));
    expect((await store.get('user:a\u0000', 'read_doc:doc/a\u0000b'))?.text).toBe('1');
    expect((await store.get('user:a\u0000', 'read_doc:doc/a\u0000c'))?.text).toBe('2');
    expect((await store.get('user:a', 'read_doc:doc/a\u0000b'))?.text).toBe('3');
    expect(await store.invalidate('user:a\u0000', { tags: ['doc:a\u0000'], prefixes: [] })).toBe(1);
    expect(await store.get('user:a\u0000', 'read_doc:doc/a\u0000b')).toBeUndefined();
    expect(
      await store.invalidate('user:a\u0000', { tags: [], prefixes: ['read_doc:doc/a\u0000c'] }),
    ).toBe(1);
    expect(await store.get('user:a\u0000', 'read_doc:doc/a\u0000c')).toBeUndefined();
    expect((await store.get('user:a', 'read_doc:doc/a\u0000b'))?.text).toBe('3');
  });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) a run whose model sends a NUL in a cached read's id goes on, served, then invalidated`, async () => {
      const id = 'a\u0000b';
      const fake = createFakeGemini({
        script: [
          turn.call('read_doc', { id }),
          turn.call('read_doc', { id }),
          turn.call('edit_doc', { id }),
          turn.call('read_doc', { id }),
          turn.text('Done.'),
        ],
      });
      const { url } = await fake.listen();
      try {
        const reads: string[] = [];
        const readDoc = defineTool({
          name: 'read_doc',
          description: 'Reads a document.',
          parameters: z.object({ id: z.string() }),
          execute: ({ id: read }) => {
            reads.push(read);
            return { id: read, text: 'Alpha' };
          },
        });
        const editDoc = defineTool({
          name: 'edit_doc',
          description: 'Edits a document.',
          parameters: z.object({ id: z.string() }),
          execute: () => ({ ok: true }),
        });
        const store = createPostgresToolResultStore({ pool, table: 'nul_runs' });
        const agent = createAgent({
          gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
          model: 'gemini-2.5-flash',
          tools: [readDoc, editDoc],
          plugins: [
            toolResultCache({
              scope: 'fleet',
              store,
              user: `ann-${streamed}`,
              tools: {
                read_doc: {
                  effect: 'read',
                  cacheKey: ({ id: key }: { id: string }) => `doc/${key}`,
                  tags: ({ id: key }: { id: string }) => [`doc:${key}`],
                },
                edit_doc: {
                  effect: 'write',
                  invalidates: {
                    prefixes: ({ id: key }: { id: string }) => [`read_doc:doc/${key}`],
                  },
                },
              },
            }),
          ],
        });
        const result = streamed ? await agent.stream('Go.').result : await agent.run('Go.');
        expect(result.text).toBe('Done.');
        // Read, served, invalidated by the edit, read again.
        expect(reads).toEqual([id, id]);
      } finally {
        await fake.close();
      }
    });
});
