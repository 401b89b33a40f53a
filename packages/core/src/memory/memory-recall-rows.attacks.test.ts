import { describe, expect, it } from 'vitest';
import { recallNote, recallToolAnswer } from './__fixtures__/store-answering.ts';
import { MAX_MEMORY_TEXT, MAX_SCOPE_LENGTH } from './check-memory-input.ts';
import type { ScoredMemory } from './memory-record.ts';

// Attack (attack26): what a store hands back is as hostile as its rows. attack-core9 bounded the
// texts gemloop's file and Postgres stores read, but a recalled memory goes into every prompt of
// the user whatever store it came from: Vertex Memory Bank's `fact` (any size up to its 16 MiB
// answer cap), a store of the app's own, a file or row whose `id` is a megabyte (no store bounded
// ids). The plugin now leaves out of the note and the `recall` tool's answer any memory no store
// of gemloop would write: a text over 4,000 characters or an id over 256, and says how many.

const row = (id: string, text: string, score: number): ScoredMemory => ({
  id,
  scope: 'ana',
  kind: 'fact',
  text,
  createdAt: '2026-11-28T00:00:00.000Z',
  updatedAt: '2026-11-28T00:00:00.000Z',
  score,
});
const HUGE_TEXT = `Ana likes trains. ${'x'.repeat(1_000_000)}`;
const HUGE_ID = 'i'.repeat(100_000);
const rows = [
  row('m1', 'Ana likes to travel by train.', 0.9),
  row('m2', HUGE_TEXT, 0.8),
  row(HUGE_ID, 'Ana likes train journeys.', 0.7),
  row('m4', 'y'.repeat(MAX_MEMORY_TEXT), 0.6),
];

describe('memoryPlugin recalling rows no gemloop store would write', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`leaves a 1 MB text and a 100 KB id out of the note, and says so (${mode})`, async () => {
      const { note, recalled } = await recallNote(rows, mode);
      expect(note).toContain('{"id":"m1","kind":"fact","text":"Ana likes to travel by train."}');
      // A text of exactly the bound is a memory a store writes.
      expect(note).toContain('{"id":"m4",');
      expect(note).not.toContain('xxxxxxxxxx');
      expect(note).not.toContain('iiiiiiiiii');
      expect(note.length).toBeLessThan(2 * MAX_MEMORY_TEXT + 1000);
      if (mode === 'stream') {
        expect(recalled?.data).toMatchObject({ ids: ['m1', 'm4'], count: 2, refused: 2 });
        expect(JSON.stringify(recalled)).not.toContain('iiiiiiiiii');
      }
    });
  }

  it('answers the recall tool without them either', async () => {
    const answer = await recallToolAnswer(rows);
    expect(answer).toContain('Ana likes to travel by train.');
    expect(answer).not.toContain('xxxxxxxxxx');
    expect(answer).not.toContain('iiiiiiiiii');
    expect(answer.length).toBeLessThan(2 * MAX_MEMORY_TEXT + 1000);
    expect(MAX_SCOPE_LENGTH).toBe(256);
  });
});
