import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createFakeMemoryBank } from './__fixtures__/fake-memory-bank.ts';
import { memoryFake, modelRequests } from './__fixtures__/memory-fake.ts';
import { createMemory } from './create-memory.ts';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';
import { MemoryError } from './memory-error.ts';
import { memoryPlugin } from './memory-plugin.ts';

const PARENT = 'projects/p1/locations/us-central1/reasoningEngines/77';

function bank() {
  const fake = createFakeMemoryBank(PARENT);
  const store = createVertexMemoryBankStore({
    project: 'p1',
    location: 'us-central1',
    reasoningEngine: '77',
    getAccessToken: () => 'ya29.secret',
    fetch: fake.fetch,
    pollIntervalMs: 1,
  });
  return { fake, store };
}

describe("createVertexMemoryBankStore (against a fake written from Google's REST reference)", () => {
  it('creates, retrieves by similarity, lists, updates and deletes through the documented routes, waiting for each operation', async () => {
    const { fake, store } = bank();
    const tea = await store.add('ana', { kind: 'fact', text: 'Ana drinks green tea.' });
    await store.add('ana', { kind: 'fact', text: 'Ana lives in Porto.' });
    expect(tea).toMatchObject({ scope: 'ana', kind: 'fact', text: 'Ana drinks green tea.' });
    expect(fake.requests[0]).toEqual({
      method: 'POST',
      path: `${PARENT}/memories`,
      body: { fact: 'Ana drinks green tea.', scope: { user_id: 'ana' } },
      authorization: 'Bearer ya29.secret',
    });
    const found = await store.search('ana', { text: 'What tea does she drink?', limit: 1 });
    expect(found.map(({ id, score }) => [id, score])).toEqual([[tea.id, expect.any(Number)]]);
    expect(fake.requests.at(-1)?.body).toEqual({
      scope: { user_id: 'ana' },
      similaritySearchParams: { searchQuery: 'What tea does she drink?', topK: 1 },
    });
    expect((await store.list('ana')).map(({ text }) => text)).toEqual([
      'Ana drinks green tea.',
      'Ana lives in Porto.',
    ]);
    expect(await store.update('ana', tea.id, { text: 'Ana drinks black tea.' })).toMatchObject({
      id: tea.id,
      text: 'Ana drinks black tea.',
    });
    expect(
      fake.requests.some(
        ({ method, path }) => method === 'PATCH' && path.endsWith(`/memories/${tea.id}`),
      ),
    ).toBe(true);
    expect(await store.delete('ana', tea.id)).toBe(true);
    expect(await store.get('ana', tea.id)).toBeUndefined();
    expect(await store.deleteAll('ana')).toBe(1);
    expect(fake.memories.size).toBe(0);
  });

  it("keeps a memory added under an id once (its memoryId, the scope's own), even two at once; another user's under the same id apart", async () => {
    const { fake, store } = bank();
    const added = await Promise.all(
      [0, 1].map(() => store.add('ana', { kind: 'fact', text: 'Ana drinks tea.', id: 'x-1' })),
    );
    const again = await store.add('ana', { kind: 'fact', text: 'Ana drinks tea.', id: 'x-1' });
    const bob = await store.add('bob', { kind: 'fact', text: 'Bob drinks tea.', id: 'x-1' });
    expect(added[0]?.id).toMatch(/^gemloop-[0-9a-f]{32}$/);
    expect(added[1]).toEqual(added[0]);
    expect(again).toEqual(added[0]);
    expect(bob.id).not.toBe(added[0]?.id);
    expect((await store.list('ana')).map(({ text }) => text)).toEqual(['Ana drinks tea.']);
    expect(fake.memories.size).toBe(2);
    // An id Memory Bank would refuse (its form is [a-z0-9-]) is named from it all the same.
    const odd = await store.add('ana', { kind: 'fact', text: 'Ana likes Oslo.', id: 'Ä/../x' });
    expect(odd.id).toMatch(/^gemloop-[0-9a-f]{32}$/);
    expect(fake.requests.some(({ path }) => path.includes('..'))).toBe(false);
  });

  it("never reads, changes or deletes another user's memory, even by its id", async () => {
    const { fake, store } = bank();
    const ana = await store.add('ana', { kind: 'fact', text: 'Ana drinks tea.' });
    expect(await store.search('bob', { text: 'tea', limit: 5 })).toEqual([]);
    expect(await store.list('bob')).toEqual([]);
    expect(await store.get('bob', ana.id)).toBeUndefined();
    expect(await store.update('bob', ana.id, { text: 'Bob drinks tea.' })).toBeUndefined();
    expect(await store.delete('bob', ana.id)).toBe(false);
    expect(await store.deleteAll('bob')).toBe(0);
    // An id that is not Memory Bank's shape never reaches a URL.
    expect(await store.get('bob', '../../other')).toBeUndefined();
    expect(fake.memories.size).toBe(1);
    expect([...fake.memories.values()][0]?.fact).toBe('Ana drinks tea.');
  });

  it("lists every page, and generates memories with Memory Bank's own extraction", async () => {
    const { fake, store } = bank();
    for (let index = 0; index < 5; index++)
      await store.add('u', { kind: 'fact', text: `fact ${index}` });
    expect(await store.list('u')).toHaveLength(5);
    await store.generate('u', [
      { role: 'user', parts: [{ text: 'I have a dog called Rex.' }] },
      { role: 'model', parts: [{ text: 'Nice!' }] },
    ]);
    expect(fake.requests.at(-2)).toMatchObject({
      method: 'POST',
      path: `${PARENT}/memories:generate`,
      body: {
        directContentsSource: {
          events: [
            { content: { role: 'user', parts: [{ text: 'I have a dog called Rex.' }] } },
            { content: { role: 'model', parts: [{ text: 'Nice!' }] } },
          ],
        },
        scope: { user_id: 'u' },
      },
    });
    expect((await store.list('u')).map(({ text }) => text)).toContain('I have a dog called Rex.');
  });

  it('fails with a typed error naming the status, never the token or the fact', async () => {
    const store = createVertexMemoryBankStore({
      project: 'p1',
      location: 'us-central1',
      reasoningEngine: '77',
      getAccessToken: () => 'ya29.secret',
      fetch: async () =>
        new Response(
          JSON.stringify({
            error: { code: 403, status: 'PERMISSION_DENIED', message: 'fact: Ana drinks tea' },
          }),
          { status: 403 },
        ),
    });
    const error = await store
      .add('ana', { kind: 'fact', text: 'Ana drinks tea.' })
      .catch((thrown: unknown) => thrown);
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/HTTP 403 PERMISSION_DENIED/);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toMatch(
      /ya29|Ana drinks/,
    );
    expect(() =>
      createVertexMemoryBankStore({
        project: 'p/../x',
        location: 'l',
        reasoningEngine: '1',
        getAccessToken: () => '',
      }),
    ).toThrow(/project/);
  });

  it('serves memoryPlugin without an embed function: Memory Bank ranks on its side', async () => {
    const { fake: geminiFake, gemini } = await memoryFake([turn.text('Tea.')]);
    const { store } = bank();
    const memory = createMemory({ store });
    await memory.remember('cy', 'Cy drinks tea every morning.');
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    await agent.run('Tea or coffee this morning?', {
      plugins: [memoryPlugin({ memory, scope: 'cy', recall: { minScore: 0 } })],
    });
    expect(JSON.stringify(modelRequests(geminiFake)[0])).toContain('Cy drinks tea every morning.');
  });
});
