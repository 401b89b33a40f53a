import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toolContext } from '../__fixtures__/tool-context.ts';
import { createFileTools } from './create-file-tools.ts';
import { MAX_RESULT_CHARACTERS as MAX_LISTING_CHARACTERS } from './result-characters.ts';

// attack66: list_files bounded the entries (maxEntries, 5,000) and never their paths. A root holding
// a chain of nine folders with 250-character names and 5,000 files at the bottom answered one
// `{ depth: 10 }` call with 12.7 MB of JSON (measured), three times Gemini's whole ~1,000,000-token
// input: the next model request could not be sent. The paths of a listing are now bounded together.

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-a66-list-')));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function deepTree(files: number): Promise<void> {
  let folder = root;
  for (let level = 0; level < 9; level++) folder = join(folder, `${level}${'d'.repeat(250)}`);
  await mkdir(folder, { recursive: true });
  await Promise.all(
    Array.from({ length: files }, (_, index) =>
      writeFile(join(folder, `${String(index).padStart(4, '0')}${'f'.repeat(240)}`), ''),
    ),
  );
}

describe('list_files over very long paths', { timeout: 60_000 }, () => {
  it('stops once the paths reach the bound, keeps a sorted prefix and says how to see the rest', async () => {
    await deepTree(600);
    const { listFiles } = createFileTools({ root });
    const result = await listFiles.execute({ path: '.', depth: 10 }, toolContext());
    const characters = result.entries.reduce((sum, entry) => sum + entry.path.length, 0);
    expect(characters).toBeLessThanOrEqual(MAX_LISTING_CHARACTERS);
    expect(JSON.stringify(result).length).toBeLessThan(MAX_LISTING_CHARACTERS * 1.2);
    expect(result.entries.length).toBeGreaterThan(9);
    expect(result.entries.length).toBeLessThan(609);
    const paths = result.entries.map((entry) => entry.path);
    expect(paths).toEqual([...paths].sort());
    expect(result.note).toMatch(/characters/);
    expect(result.note).toMatch(/list a subfolder/);
  });

  it('a listing under the bound is whole and has no note', async () => {
    await deepTree(20);
    const { listFiles } = createFileTools({ root });
    const result = await listFiles.execute({ path: '.', depth: 10 }, toolContext());
    expect(result.entries).toHaveLength(29);
    expect(result.note).toBeUndefined();
  });
});
