import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createFileTools } from '../index.ts';

// attack59b: search_text's filePattern matches file names, as find_files' pattern does, and a
// model writes a path into it ("src/*.ts"). find_files reads the name part and says so; search_text
// matched "src/*.ts" against names, found no file, and answered "0 matches, 0 files searched"
// without a word: the model concluded the text was nowhere, with the TODO right there.

const root = realpathSync(mkdtempSync(join(tmpdir(), 'gemloop-a59b-file-pattern-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'src'));
writeFileSync(join(root, 'src', 'main.ts'), 'const a = 1; // TODO: remove\n');
writeFileSync(join(root, 'notes.md'), 'TODO in the notes\n');
const { searchText } = createFileTools({ root });

describe('search_text with a path in filePattern', () => {
  it.each([
    ['src/*.ts', '*.ts'],
    ['./src/main.ts', 'main.ts'],
    ['src/', '*'],
  ])('%s: read as the name pattern %s, found, and the model is told', async (filePattern, name) => {
    const result = await searchText.execute({ query: 'TODO', filePattern }, toolContext());
    expect(result.matches.map((match) => match.path)).toContain('src/main.ts');
    expect(result.note).toBe(
      `filePattern matches file names only, so it was read as "${name}"; use path for the folder.`,
    );
  });

  it('a name pattern is used as it is, without a note', async () => {
    const result = await searchText.execute({ query: 'TODO', filePattern: '*.md' }, toolContext());
    expect(result.matches.map((match) => match.path)).toEqual(['notes.md']);
    expect(result.note).toBeUndefined();
  });
});
