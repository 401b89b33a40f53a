import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES } from '../scripts/slow-first-sequencer.ts';

// The sequencer starts the files it names first (vitest.config.ts): a name that matches no file
// (a file moved or renamed, as several were in the folder splits) changes nothing and says
// nothing, and the moved file starts among the last again, ending the run alone.
describe('SLOW_FILES (scripts/slow-first-sequencer.ts)', () => {
  it('names files that exist: a moved file left behind is no longer started first', () => {
    const root = new URL('../', import.meta.url);
    expect(
      SLOW_FILES.filter((file) => !statSync(new URL(file, root), { throwIfNoEntry: false })),
    ).toEqual([]);
  });
});
