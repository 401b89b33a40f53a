import { describe, expect, it } from 'vitest';
import { recallNote, recallToolAnswer } from './__fixtures__/store-answering.ts';
import type { ScoredMemory } from './memory-record.ts';

// Attack (attack63b): a store of the app's own that answers a search with more than it was asked
// for. One that left out its `WHERE scope = $1` (or a cache keyed without the user) handed Bo's
// memory, stamped `scope: 'bo'`, to Ana's run, and the plugin put it in Ana's prompt; one that
// ignored `limit` had the plugin send all 2,000 of its rows with every model call. The plugin now
// leaves out a memory whose scope is not the run's (counted as refused) and keeps `limit` at most.

const row = (id: string, scope: string, text: string, score: number): ScoredMemory => ({
  id,
  scope,
  kind: 'fact',
  text,
  createdAt: '2026-11-28T00:00:00.000Z',
  updatedAt: '2026-11-28T00:00:00.000Z',
  score,
});
const rows = [
  row('bo-1', 'bo', 'Bo is allergic to nuts.', 0.99),
  ...Array.from({ length: 2000 }, (_, index) =>
    row(`ana-${index}`, 'ana', `Ana memory ${index}.`, 0.9 - index / 10_000),
  ),
];

describe("memoryPlugin given a store that answers with other users' rows and past the limit", () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`recalls only the run's scope, at most limit memories (${mode})`, async () => {
      const { note, recalled } = await recallNote(rows, mode, { limit: 3 });
      expect(note).not.toContain('Bo is allergic');
      expect(note.match(/"id":"ana-\d+"/g)).toEqual([
        '"id":"ana-0"',
        '"id":"ana-1"',
        '"id":"ana-2"',
      ]);
      if (mode === 'stream') {
        expect(recalled?.data).toMatchObject({
          ids: ['ana-0', 'ana-1', 'ana-2'],
          count: 3,
          refused: 1,
        });
      }
    });
  }

  it('answers the recall tool the same way', async () => {
    const answer = await recallToolAnswer(rows);
    expect(answer).not.toContain('Bo is allergic');
    // recall: false leaves the tool its default limit of 5.
    expect(answer.match(/\\"id\\":\\"ana-\d+\\"|"id":"ana-\d+"/g)).toHaveLength(5);
  });
});
