import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createFileTools } from './create-file-tools.ts';
import { MAX_RESULT_CHARACTERS } from './result-characters.ts';

// leftovers82: attack66 bounded list_files' paths, but find_files and search_text were bounded by
// their count of matches only. With `maxResults: 1000` (up to 100,000 is accepted), a chain of nine
// folders of 250-character names and 600 matching files at the bottom answered one find_files call
// with 1,509,600 characters of paths and one search_text call with 1,517,400 of paths and lines
// (measured on the old code), well past
// the quarter of Gemini's input that a listing is allowed (MAX_RESULT_CHARACTERS).

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-l82-results-')));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function deepTree(files: number, content: string): Promise<void> {
  let folder = root;
  for (let level = 0; level < 9; level++) folder = join(folder, `${level}${'d'.repeat(250)}`);
  await mkdir(folder, { recursive: true });
  await Promise.all(
    Array.from({ length: files }, (_, index) =>
      writeFile(join(folder, `${String(index).padStart(4, '0')}${'f'.repeat(240)}.txt`), content),
    ),
  );
}

describe('find_files and search_text over very long paths', { timeout: 60_000 }, () => {
  it('find_files stops once the paths reach the bound, keeps a sorted prefix and says how to narrow', async () => {
    await deepTree(600, '');
    const { findFiles } = createFileTools({ root, maxResults: 1000 });
    const result = await findFiles.execute({ pattern: '*.txt' }, toolContext());
    const characters = result.matches.reduce((sum, match) => sum + match.path.length, 0);
    expect(characters).toBeLessThanOrEqual(MAX_RESULT_CHARACTERS);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_RESULT_CHARACTERS * 1.2);
    expect(result.matches.length).toBeGreaterThan(100);
    expect(result.matches.length).toBeLessThan(600);
    const paths = result.matches.map((match) => match.path);
    expect(paths).toEqual([...paths].sort());
    expect(result.note).toContain(`${MAX_RESULT_CHARACTERS} characters`);
    expect(result.note).toMatch(/narrower pattern or a subfolder/);
  });

  it('search_text stops once its matches reach the bound and says how to narrow', async () => {
    await deepTree(600, 'a needle here\n');
    const { searchText } = createFileTools({ root, maxResults: 1000 });
    const result = await searchText.execute({ query: 'needle' }, toolContext());
    const characters = result.matches.reduce(
      (sum, match) => sum + match.path.length + match.text.length,
      0,
    );
    expect(characters).toBeLessThanOrEqual(MAX_RESULT_CHARACTERS);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_RESULT_CHARACTERS * 1.2);
    expect(result.matches.length).toBeGreaterThan(100);
    expect(result.matches.length).toBeLessThan(600);
    expect(result.note).toContain(`${MAX_RESULT_CHARACTERS} characters`);
    expect(result.note).toMatch(/narrow the query, the folder or filePattern/);
  });

  it('a result under the bound is whole and has no note', async () => {
    await deepTree(20, 'a needle here\n');
    const { findFiles, searchText } = createFileTools({ root, maxResults: 1000 });
    const found = await findFiles.execute({ pattern: '*.txt' }, toolContext());
    expect(found.matches).toHaveLength(20);
    expect(found.note).toBeUndefined();
    const searched = await searchText.execute({ query: 'needle' }, toolContext());
    expect(searched.matches).toHaveLength(20);
    expect(searched.note).toBeUndefined();
  });

  it('a 5 MB minified line that matches comes back as an excerpt around the match', async () => {
    const line = `${'x'.repeat(2_500_000)}needle${'y'.repeat(2_500_000)}`;
    await writeFile(join(root, 'bundle.min.js'), line);
    const { searchText } = createFileTools({ root, maxSearchFileBytes: 10_000_000 });
    const result = await searchText.execute({ query: 'needle' }, toolContext());
    expect(result.matches).toHaveLength(1);
    const text = result.matches[0]?.text ?? '';
    expect(text.length).toBeLessThan(1_000);
    expect(text).toContain('needle');
    expect(JSON.stringify(result).length).toBeLessThan(2_000);
  });
});
