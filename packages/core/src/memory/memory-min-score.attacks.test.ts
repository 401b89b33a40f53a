import { describe, expect, it } from 'vitest';
import { thrownBy } from '../chat/__fixtures__/chat-fixtures.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkSearchBounds } from './check-memory-input.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { createMemory } from './create-memory.ts';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';
import type { MemoryEmbed } from './gemini-embed.ts';
import { memoryPlugin } from './memory-plugin.ts';

// A memory's score is a cosine similarity, -1 to 1 (rankBySimilarity clamps it there; Memory
// Bank's is `1 - distance`, its distance never below 0, so never above 1). A minScore of 1.5, 30
// (a percent) or 0.8 meant as a distance was a threshold nothing ever passes: recall found
// nothing, without a word, and the memory plugin sent no memory on any run (run68, the leftover of
// knowledge67). Below -1 it was a threshold nothing is ever under: a sign slip kept every memory.

/** What `action` threw, checked to be the typed refusal. */
function refusal(action: () => unknown): InvalidArgumentError {
  const thrown = thrownBy(action);
  expect(InvalidArgumentError.isInstance(thrown), String(thrown)).toBe(true);
  return thrown as InvalidArgumentError;
}

const embed: MemoryEmbed = async () => [1, 0];

describe('a minScore outside cosine similarity (-1 to 1)', () => {
  it('is refused, naming the range and a likely meant value', () => {
    const percent = refusal(() => checkSearchBounds(5, 30));
    expect(percent.argument).toBe('minScore');
    expect(percent.message).toBe(
      "A memory search's minScore is a cosine similarity, from -1 to 1 (1 the same meaning, -1 keeps every memory); got 30. Did you mean 0.3 (30 as a percent)?",
    );
    expect(refusal(() => checkSearchBounds(5, 1.5)).message).toContain('got 1.5.');
    expect(refusal(() => checkSearchBounds(5, 1.5)).message).not.toContain('Did you mean');
    expect(refusal(() => checkSearchBounds(5, 100)).message).toContain(
      'Did you mean 1 (100 as a percent)?',
    );
    expect(refusal(() => checkSearchBounds(5, 250)).message).not.toContain('Did you mean');
    expect(refusal(() => checkSearchBounds(5, -2)).message).toBe(
      "A memory search's minScore is a cosine similarity, from -1 to 1 (1 the same meaning, -1 keeps every memory); got -2. Did you mean -1 (every memory)?",
    );
    expect(refusal(() => checkSearchBounds(5, Number.MAX_VALUE)).argument).toBe('minScore');
  });

  it('is taken at both ends of the range', () => {
    for (const minScore of [-1, 1, 0, -0, 0.92, 1e-300]) {
      expect(() => checkSearchBounds(5, minScore), String(minScore)).not.toThrow();
    }
  });

  it('fails recall, the memory plugin when made, and a store searched directly', async () => {
    const memory = createMemory({ store: createInMemoryStore(), embed });
    await memory.remember('u', 'A dog.');
    await expect(memory.recall('u', 'dog', { minScore: 1.5 })).rejects.toSatisfy(
      (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === 'minScore',
    );
    await expect(memory.recall('u', 'dog', { minScore: -1.01 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(
      refusal(() => memoryPlugin({ memory, scope: 'u', recall: { minScore: 30 } })).message,
    ).toContain('Did you mean 0.3');
    await expect(
      memory.store.search('u', { text: 'dog', embedding: [1, 0], limit: 5, minScore: 2 }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("is refused by Memory Bank's store before a request, as NaN and a bad limit are", async () => {
    let requests = 0;
    const store = createVertexMemoryBankStore({
      project: 'p1',
      location: 'us-central1',
      reasoningEngine: '77',
      getAccessToken: () => 'token',
      fetch: async () => {
        requests++;
        return Response.json({ retrievedMemories: [] });
      },
    });
    for (const query of [
      { limit: 5, minScore: 1.5 },
      { limit: 5, minScore: Number.NaN },
      { limit: Number.NaN },
      { limit: 0 },
    ]) {
      await expect(
        store.search('u', { text: 'dog', ...query }),
        JSON.stringify(query),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(requests).toBe(0);
    expect(await store.search('u', { text: 'dog', limit: 5, minScore: 1 })).toEqual([]);
    expect(requests).toBe(1);
  });
});
