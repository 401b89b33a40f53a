// A fleet tool-result cache's run for the store's attack tests: a `search` read tool the model
// calls twice with one query, cached in a Postgres table, so a test reads whether the run went on
// and whether the second call was served.

import { type AgentEvent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { type ReadEffect, toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import type pg from 'pg';
import { z } from 'zod';
import { createPostgresToolResultStore } from '../index.ts';

/** What {@link fleetSearchRun} runs: the table, the user, the query and the read's TTL. */
export type FleetSearchRun = {
  pool: pg.Pool;
  table: string;
  user: string;
  query: string;
  ttlMs?: ReadEffect['ttlMs'];
  streamed: boolean;
};

/**
 * Runs the agent (unary or streamed); its answer, how many times the tool ran, and (streamed) the
 * cache's `skip` events' data.
 */
export async function fleetSearchRun(
  options: FleetSearchRun,
): Promise<{ text: string; runs: number; skips: unknown[] }> {
  const { pool, table, user, query, ttlMs, streamed } = options;
  const fake = createFakeGemini({
    script: [turn.call('search', { q: query }), turn.call('search', { q: query }), turn.text('Found it.')],
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
    const store = createPostgresToolResultStore({ pool, table });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-2.5-flash',
      tools: [search],
      plugins: [
        toolResultCache({
          scope: 'fleet',
          store,
          user,
          tools: { search: { effect: 'read', ttlMs } },
        }),
      ],
    });
    if (!streamed) return { text: (await agent.run('Find it.')).text, runs, skips: [] };
    const stream = agent.stream('Find it.');
    const skips: unknown[] = [];
    for await (const event of stream as AsyncIterable<AgentEvent>)
      if (event.type === 'plugin' && event.kind === 'skip') skips.push(event.data);
    return { text: (await stream.result).text, runs, skips };
  } finally {
    await fake.close();
  }
}

/** A store entry of `read_doc` with `text` and `tags`, for the store's own calls. */
export function toolResultEntry(text: string, tags: string[] = [], toolName = 'read_doc') {
  return { toolName, text, tags, expiresAt: undefined, digest: 'd' };
}
