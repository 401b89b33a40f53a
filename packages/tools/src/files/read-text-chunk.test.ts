import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileToolError } from './file-tool-error.ts';
import { fileToolNames } from './file-tools-settings.ts';
import { probeFdPaths } from './open-in-root.ts';
import type { TextChunk } from './read-text-chunk.ts';
import { readTextChunk } from './read-text-chunk.ts';

let root: string;
let fdPaths: boolean;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-read-chunk-')));
  fdPaths = probeFdPaths(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const read = (relative: string, offset: number, maxBytes: number): Promise<TextChunk> =>
  readTextChunk({
    rootReal: root,
    absolute: join(root, relative),
    relative,
    offset,
    maxBytes,
    fdPaths,
    names: fileToolNames('ws_'),
    allowHardLinks: false,
  });

async function failure(promise: Promise<unknown>): Promise<FileToolError> {
  try {
    await promise;
  } catch (error) {
    if (FileToolError.isInstance(error)) return error;
    throw new Error(`expected a FileToolError, got ${String(error)}`);
  }
  throw new Error('expected the read to fail');
}

/** Reads a file page by page, following nextOffset, as the model would. */
async function readAllPages(relative: string, maxBytes: number): Promise<TextChunk[]> {
  const pages: TextChunk[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page: TextChunk = await read(relative, offset, maxBytes);
    pages.push(page);
    expect(page.nextOffset === undefined || page.nextOffset > offset).toBe(true);
    offset = page.nextOffset;
  }
  return pages;
}

// ASCII, 2-, 3- and 4-byte characters, a combining mark and a ZWJ emoji sequence.
const MIXED = 'a\u00e9\u20ac\u{1f600}e\u0301 \u{1f469}\u200d\u{1f4bb}\u4e2d\u6587\n';

describe('readTextChunk', () => {
  it('reads a whole small file with its size and no next page', async () => {
    await writeFile(join(root, 'note.txt'), 'hello\n');
    expect(await read('note.txt', 0, 1000)).toEqual({ size: 6, offset: 0, content: 'hello\n' });
  });

  it('reads an empty file, and an offset at or past the end, as empty content', async () => {
    await writeFile(join(root, 'empty.txt'), '');
    expect(await read('empty.txt', 0, 10)).toEqual({ size: 0, offset: 0, content: '' });
    await writeFile(join(root, 'short.txt'), 'abc');
    expect(await read('short.txt', 3, 10)).toEqual({ size: 3, offset: 3, content: '' });
    expect(await read('short.txt', 1e12, 10)).toEqual({ size: 3, offset: 3, content: '' });
  });

  it.each([1, 2, 3, 4, 5, 7, 11])(
    'pages mixed multi-byte text %d bytes at a time without cutting or losing a character',
    async (maxBytes) => {
      const text = MIXED.repeat(5);
      await writeFile(join(root, 'mixed.txt'), text);
      const pages = await readAllPages('mixed.txt', maxBytes);
      expect(pages.map((page) => page.content).join('')).toBe(text);
      for (const page of pages) {
        expect(page.content).not.toContain('\ufffd');
        expect(page.size).toBe(Buffer.byteLength(text));
      }
    },
  );

  it('gives a whole 4-byte character when a page is smaller than it', async () => {
    await writeFile(join(root, 'emoji.txt'), '\u{1f600}\u{1f601}');
    expect(await read('emoji.txt', 0, 1)).toEqual({
      size: 8,
      offset: 0,
      content: '\u{1f600}',
      nextOffset: 4,
    });
    expect(await read('emoji.txt', 4, 1)).toEqual({ size: 8, offset: 4, content: '\u{1f601}' });
  });

  it('moves an offset inside a character forward to the next character, and says so', async () => {
    await writeFile(join(root, 'euro.txt'), '\u20acx');
    for (const offset of [1, 2]) {
      expect(await read('euro.txt', offset, 10)).toEqual({ size: 4, offset: 3, content: 'x' });
    }
  });

  it('reads the same pages under 40 concurrent readers', async () => {
    const text = MIXED.repeat(40);
    await writeFile(join(root, 'shared.txt'), text);
    const all = await Promise.all(Array.from({ length: 40 }, () => readAllPages('shared.txt', 64)));
    for (const pages of all) expect(pages.map((page) => page.content).join('')).toBe(text);
  });

  it('refuses a file with a NUL byte or invalid UTF-8 in its first KB as binary', async () => {
    await writeFile(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const nul = await failure(read('image.png', 0, 100));
    expect(nul.reason).toBe('binary');
    expect(nul.message).toBe('"image.png" is a binary file (6 bytes); it cannot be shown as text.');
    await writeFile(join(root, 'latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
    expect((await failure(read('latin1.txt', 0, 100))).reason).toBe('binary');
  });

  it('reads a text file whose later bytes are not UTF-8, replacing them rather than failing', async () => {
    const head = 'x'.repeat(2000);
    await writeFile(
      join(root, 'late.txt'),
      Buffer.concat([Buffer.from(head), Buffer.from([0xff])]),
    );
    const page = await read('late.txt', 1990, 100);
    expect(page.content).toBe(`${'x'.repeat(10)}\ufffd`);
  });

  it('points a directory at the list tool, by its prefixed name', async () => {
    await mkdir(join(root, 'src'));
    const error = await failure(read('src', 0, 10));
    expect(error.reason).toBe('wrong-type');
    expect(error.message).toBe('"src" is a directory. Use ws_list_files to see its contents.');
  });

  it('reports a missing file as not found', async () => {
    expect((await failure(read('missing.txt', 0, 10))).reason).toBe('not-found');
  });
});
