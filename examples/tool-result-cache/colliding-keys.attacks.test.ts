// Two tools whose cache keys meet (attack-core7): a tool name may hold ':' (Gemini's rule), and a
// key is `<tool name>:<key>`, so `docs` keyed by a model-chosen id `admin:{"q":"payroll"}` and
// `docs:admin` keyed by its arguments `{"q":"payroll"}` wrote one key. Public imports only, the
// fake Gemini on 127.0.0.1.
import { createAgent, defineTool } from '@gemloop/core';
import {
  createMemoryToolResultStore,
  type ToolResultCacheOptions,
  toolResultCache,
} from '@gemloop/core/tool-result-cache';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

const runs: string[] = [];
const publicDocs = defineTool({
  name: 'docs',
  description: 'Reads a public document.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => {
    runs.push(`docs ${id}`);
    return { doc: `public text of ${id}`, from: 'docs' };
  },
});
const adminDocs = defineTool({
  name: 'docs:admin',
  description: 'Reads an admin document.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => {
    runs.push(`docs:admin ${q}`);
    return { doc: `admin answer to ${q}`, from: 'docs:admin' };
  },
});
const cacheOptions = {
  tools: {
    docs: { effect: 'read' as const, cacheKey: ({ id }: { id: string }) => id },
    'docs:admin': { effect: 'read' as const },
  },
};

type Contents = { parts: { functionResponse?: { name: string; response: unknown } }[] }[];
const lastResponse = (body: unknown) =>
  (body as { contents: Contents }).contents.at(-1)?.parts[0]?.functionResponse;

describe("a tool's cached result is never served for another tool's call", () => {
  it('one cache given both tools: refused when made (held)', () => {
    expect(() => toolResultCache(cacheOptions)).toThrow(
      expect.objectContaining({ argument: 'toolResultCache.tools.docs:admin' }),
    );
  });

  for (const mode of MODES) {
    it(`two agents' caches on one fleet store, one tool each (${mode})`, async () => {
      runs.length = 0;
      const store = createMemoryToolResultStore();
      const fleet = (tools: ToolResultCacheOptions['tools']) =>
        toolResultCache({ tools, scope: 'fleet', store, user: 'alice' });
      const first = await serve([
        turn.call('docs', { id: 'admin:{"q":"payroll"}' }),
        turn.text('read'),
      ]);
      const reader = createAgent({
        gemini: first.gemini,
        model: MODEL,
        tools: [publicDocs],
        plugins: [fleet({ docs: cacheOptions.tools.docs })],
      });
      expect((await outcome(reader, mode, 'Read the public one.')).error).toBeUndefined();
      const second = await serve([turn.call('docs:admin', { q: 'payroll' }), turn.text('done')]);
      const admin = createAgent({
        gemini: second.gemini,
        model: MODEL,
        tools: [adminDocs],
        plugins: [fleet({ 'docs:admin': cacheOptions.tools['docs:admin'] })],
      });
      expect((await outcome(admin, mode, 'Read the admin one.')).error).toBeUndefined();
      // Before: docs:admin never ran, and the model got docs' result as its answer.
      expect(runs).toEqual(['docs admin:{"q":"payroll"}', 'docs:admin payroll']);
      expect(lastResponse(second.fake.modelRequests[1]?.body)).toMatchObject({
        name: 'docs:admin',
        response: { from: 'docs:admin' },
      });
    });
  }
});
