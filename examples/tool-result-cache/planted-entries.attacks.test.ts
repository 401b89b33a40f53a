// A tool-result store handing back entries the cache did not write (attack-core5): wrong types,
// a huge text, a `__proto__` key, truncated JSON, a digest that does not match. Public imports
// only, the fake Gemini on 127.0.0.1. A bad entry is refused (the tool runs, a `refused` event)
// or served only when it is what the cache wrote; never a crash, a prototype changed, or a
// result the model was not going to get.
import { createAgent, defineTool } from '@gemloop/core';
import {
  type ToolResultEntry,
  type ToolResultStore,
  toolResultCache,
} from '@gemloop/core/tool-result-cache';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { everything, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

function plantedStore(entry: unknown): ToolResultStore & { deleted: number; reads: number } {
  const store = {
    deleted: 0,
    reads: 0,
    get: async () => {
      store.reads++;
      return entry as ToolResultEntry;
    },
    set: async () => {},
    delete: async () => {
      store.deleted++;
    },
    invalidate: async () => 0,
  };
  return store;
}

const planted: [string, unknown][] = [
  [
    'a text that is not a string',
    { toolName: 'read', text: { found: 'planted' }, tags: [], expiresAt: undefined, digest: 'x' },
  ],
  [
    'truncated JSON',
    { toolName: 'read', text: '{"found":"pla', tags: [], expiresAt: undefined, digest: 'x' },
  ],
  [
    'a __proto__ key and a wrong digest',
    {
      toolName: 'read',
      text: '{"__proto__":{"polluted":1}}',
      tags: [],
      expiresAt: undefined,
      digest: '',
    },
  ],
  [
    'an expiresAt that is a string',
    { toolName: 'read', text: '{"found":"planted"}', tags: [], expiresAt: 'never', digest: 'x' },
  ],
  [
    'tags that are not a list',
    { toolName: 'read', text: '{"found":"planted"}', tags: 'a', expiresAt: undefined, digest: 'x' },
  ],
  ['an entry that is a number', 42],
  [
    'an entry whose getter throws',
    Object.defineProperty({}, 'text', {
      get: () => {
        throw new Error('boom');
      },
      enumerable: true,
    }),
  ],
  [
    'a 5 MB text',
    {
      toolName: 'read',
      text: JSON.stringify({ found: 'x'.repeat(5 * 1024 * 1024) }),
      tags: [],
      expiresAt: undefined,
      digest: 'x',
    },
  ],
];

describe('a tool-result store that lies', () => {
  for (const mode of MODES) {
    for (const [name, entry] of planted) {
      it(`${name} (${mode}): not served; the tool runs and the run goes on`, async () => {
        let runs = 0;
        const read = defineTool({
          name: 'read',
          parameters: z.object({ id: z.string() }),
          execute: ({ id }) => {
            runs++;
            return { found: `real ${id}` };
          },
        });
        const { fake, gemini } = await serve([turn.call('read', { id: 'a' }), turn.text('done')]);
        const store = plantedStore(entry);
        const agent = createAgent({
          gemini,
          model: MODEL,
          tools: [read],
          plugins: [
            toolResultCache({
              tools: { read: { effect: 'read' } },
              scope: 'fleet',
              user: 'u1',
              store,
            }),
          ],
        });
        const { result, error } = await outcome(agent, mode, 'Go.');
        expect(everything(error)).toBe('');
        expect(result?.text).toBe('done');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(store.reads).toBe(1);
        expect(runs).toBe(1);
        const body = JSON.stringify(fake.modelRequests.at(-1)?.body);
        expect(body).toContain('real a');
        expect(body).not.toContain('planted');
      }, 60_000);
    }
  }
});
