import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createFileTools } from '../index.ts';

// leftovers76: case-insensitive search where case mapping is not one character for one. JavaScript's
// `toLowerCase()` is locale-independent and maps "İ" (U+0130) to "i̇" (i and a combining dot):
// "istanbul" did not find "İSTANBUL" nor "İstanbul", and a file name pattern the same. "İ" now folds
// to "i", as "I" does. Length-changing folds of full case folding (ß → ss, ﬃ → ffi) are not applied,
// as ripgrep's simple folding does not: "STRASSE" does not find "Straße" (the description says so).

const root = realpathSync(mkdtempSync(join(tmpdir(), 'gemloop-l76-case-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const pad = 'x'.repeat(200);
writeFileSync(
  join(root, 'cities.txt'),
  `İSTANBUL\nİstanbul\nistanbul\nISTANBUL\nıstanbul\nStraße\n`,
);
writeFileSync(join(root, 'long.txt'), `${'İ'.repeat(300)} ${pad} the İSTANBUL office ${pad}\n`);
writeFileSync(join(root, 'İSTANBUL-notes.md'), 'see istanbul\n');
const { searchText, findFiles } = createFileTools({ root });

describe('search_text, case-insensitive, with Turkish dotted and dotless i', () => {
  it.each(['istanbul', 'İstanbul', 'İSTANBUL', 'ISTANBUL'])(
    '%s finds every spelling with a dotted or plain I, not the dotless ı',
    async (query) => {
      const result = await searchText.execute({ query, filePattern: 'cities.txt' }, toolContext());
      expect(result.matches.map((match) => match.text)).toEqual([
        'İSTANBUL',
        'İstanbul',
        'istanbul',
        'ISTANBUL',
      ]);
    },
  );

  it('the excerpt of a long line holds the match whole, after 300 dotted capitals', async () => {
    const result = await searchText.execute(
      { query: 'istanbul', filePattern: 'long.txt' },
      toolContext(),
    );
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]?.text).toContain('the İSTANBUL office');
  });

  it('ß is not SS (no length-changing fold), and the description says so', async () => {
    const result = await searchText.execute(
      { query: 'STRASSE', filePattern: 'cities.txt' },
      toolContext(),
    );
    expect(result.matches).toEqual([]);
    expect(searchText.description).toMatch(/ß/);
  });

  it('find_files: a name pattern with a plain i finds a name with a dotted İ', async () => {
    const result = await findFiles.execute({ pattern: 'istanbul*' }, toolContext());
    expect(JSON.stringify(result)).toContain('İSTANBUL-notes.md');
  });
});
