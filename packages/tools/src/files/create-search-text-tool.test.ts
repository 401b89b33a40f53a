import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTools } from './create-file-tools.ts';

// search_text on files as people write them: CRLF endings, emoji and scripts whose lower case
// is longer, lines of a megabyte, and the model's query taken literally.

function context(signal: AbortSignal = new AbortController().signal): ToolExecuteContext {
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}

let base: string;
let root: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-search-')));
  root = join(base, 'root');
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const search = (args: { query: string; filePattern?: string; caseSensitive?: boolean }) =>
  createFileTools({ root }).searchText.execute(args, context());

/** Whether a text holds half a surrogate pair (no character; a strict reader refuses it). */
const hasLoneSurrogate = (text: string) =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('search_text', () => {
  it('finds a line of a CRLF file without its carriage return, numbered as an editor numbers it', async () => {
    await writeFile(join(root, 'win.txt'), 'first\r\nsecond NEEDLE\r\nthird\r\n');
    const { matches } = await search({ query: 'needle' });
    expect(matches).toEqual([{ path: 'win.txt', line: 2, text: 'second NEEDLE' }]);
  });

  it('numbers the lines of a CR-only file (classic Mac) and of mixed endings as an editor does', async () => {
    await writeFile(join(root, 'mac.txt'), 'first\rsecond NEEDLE\rthird\rfourth needle\r');
    await writeFile(join(root, 'mixed.txt'), 'one\r\ntwo\rthree\nfour needle\r\n\r\nsix needle');
    const { matches } = await search({ query: 'needle' });
    expect(matches).toEqual([
      { path: 'mac.txt', line: 2, text: 'second NEEDLE' },
      { path: 'mac.txt', line: 4, text: 'fourth needle' },
      { path: 'mixed.txt', line: 4, text: 'four needle' },
      { path: 'mixed.txt', line: 6, text: 'six needle' },
    ]);
  });

  it('never cuts an emoji in half at either end of an excerpt of a long line', async () => {
    for (const shift of [0, 1, 2, 3]) {
      const emoji = '😀'.repeat(100);
      const line = `${emoji}${'x'.repeat(shift)}needle${'y'.repeat(shift)}${emoji}`;
      await writeFile(join(root, `emoji-${shift}.txt`), `${line}\n`);
    }
    const { matches } = await search({ query: 'needle' });
    expect(matches).toHaveLength(4);
    for (const match of matches) {
      expect(match.text).toContain('needle');
      expect(hasLoneSurrogate(match.text)).toBe(false);
    }
  });

  it('shows the match of a case-insensitive search where lower case is longer (İ)', async () => {
    const line = `${'İ'.repeat(300)} the NEEDLE ${'z'.repeat(300)}`;
    await writeFile(join(root, 'turkish.txt'), `${line}\n`);
    const [match] = (await search({ query: 'needle' })).matches;
    expect(match?.text).toContain('NEEDLE');
    expect(match?.text.startsWith('…')).toBe(true);
    expect(match?.text.endsWith('…')).toBe(true);
  });

  it('reads the query literally: regular-expression and glob characters match themselves', async () => {
    await writeFile(join(root, 'code.ts'), 'const a = b.*?(c);\nconst x = [*];\n');
    expect((await search({ query: '.*?(' })).matches.map((match) => match.line)).toEqual([1]);
    expect((await search({ query: '[*]' })).matches.map((match) => match.line)).toEqual([2]);
  });

  it('keeps to the case it was asked for', async () => {
    await writeFile(join(root, 'a.md'), 'Alpha\nalpha\nALPHA\n');
    expect((await search({ query: 'alpha' })).matches).toHaveLength(3);
    expect(
      (await search({ query: 'alpha', caseSensitive: true })).matches.map((match) => match.line),
    ).toEqual([2]);
  });

  it('cuts an excerpt of an 800 KB line to the match and its context', async () => {
    await writeFile(
      join(root, 'minified.js'),
      `${'a'.repeat(400_000)}needle${'b'.repeat(400_000)}`,
    );
    const [match] = (await search({ query: 'needle' })).matches;
    expect(match?.text.length).toBeLessThan(300);
    expect(match?.text).toContain('needle');
  });

  it('skips binary files and counts them', async () => {
    await writeFile(join(root, 'image.bin'), Buffer.from([0, 1, 2, 110, 101, 101, 100, 108, 101]));
    await writeFile(join(root, 'text.txt'), 'needle\n');
    const result = await search({ query: 'needle' });
    expect(result.matches.map((match) => match.path)).toEqual(['text.txt']);
    expect(result.filesSkipped).toBe(1);
    expect(result.filesSearched).toBe(1);
  });

  it('searches only the files the pattern names, in path order', async () => {
    await mkdir(join(root, 'b'));
    await writeFile(join(root, 'b', 'z.md'), 'needle\n');
    await writeFile(join(root, 'a.md'), 'needle\n');
    await writeFile(join(root, 'a.txt'), 'needle\n');
    const { matches } = await search({ query: 'needle', filePattern: '*.md' });
    expect(matches.map((match) => match.path)).toEqual(['a.md', 'b/z.md']);
  });

  it('stops when the run is aborted', async () => {
    await writeFile(join(root, 'a.txt'), 'needle\n');
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(
      createFileTools({ root }).searchText.execute({ query: 'needle' }, context(controller.signal)),
    ).rejects.toBe(reason);
  });
});
