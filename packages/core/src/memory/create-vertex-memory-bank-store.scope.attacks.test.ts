// Memory Bank's retrieve answered with another user's memory (attack63b): a proxy that caches
// `memories:retrieve` by URL (the scope is in the body), or a broken endpoint. `get`, `update`
// and `delete` already left out a memory whose scope is not the store's; `search` and `list`
// labelled every memory of the answer with the scope asked for, and memoryPlugin recalled Bo's
// memory into Ana's prompt.
import { describe, expect, it } from 'vitest';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';

const PARENT = 'projects/p1/locations/us-central1/reasoningEngines/77';

const memory = (id: string, fact: string, scope?: Record<string, string>) => ({
  memory: {
    name: `${PARENT}/memories/${id}`,
    fact,
    ...(scope === undefined ? {} : { scope }),
    createTime: '2026-12-01T10:00:00Z',
  },
  distance: 0.1,
});

function storeAnswering(retrievedMemories: unknown[]) {
  return createVertexMemoryBankStore({
    project: 'p1',
    location: 'us-central1',
    reasoningEngine: '77',
    getAccessToken: () => 'ya29.secret',
    fetch: async () =>
      new Response(JSON.stringify({ retrievedMemories }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
  });
}

describe('createVertexMemoryBankStore given memories of another scope by retrieve', () => {
  const answer = [
    memory('m-ana', 'Ana drinks green tea.', { user_id: 'ana' }),
    memory('m-bo', 'Bo is allergic to nuts.', { user_id: 'bo' }),
    memory('m-wider', 'Ana and the support agent share this.', { user_id: 'ana', agent: 'x' }),
    memory('m-other-key', 'Keyed by another name.', { tenant: 'ana' }),
    memory('m-no-scope', 'Ana lives in Porto.'),
    {
      ...memory('m-null-scope', 'Ana walks.'),
      memory: { name: `${PARENT}/memories/m-null-scope`, fact: 'Ana walks.', scope: null },
    },
    {
      ...memory('m-text-scope', 'Text.'),
      memory: { name: `${PARENT}/memories/m-text-scope`, fact: 'Text.', scope: 'ana' },
    },
  ];

  it("search leaves out every memory whose scope is not exactly the store's, and keeps one that names none", async () => {
    const found = await storeAnswering(answer).search('ana', { text: 'tea', limit: 10 });
    expect(found.map(({ id }) => id).sort()).toEqual(['m-ana', 'm-no-scope', 'm-null-scope']);
  });

  it('list does the same', async () => {
    const listed = await storeAnswering(answer).list('ana');
    expect(listed.map(({ id }) => id).sort()).toEqual(['m-ana', 'm-no-scope', 'm-null-scope']);
  });
});
