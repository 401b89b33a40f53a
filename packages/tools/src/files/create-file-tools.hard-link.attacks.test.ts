import { link, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTools } from './create-file-tools.ts';
import { FileToolError } from './file-tool-error.ts';

// leftovers73: a hard link in the root to a file outside it is that file under a second name.
// Its real path is the name in the root, and /proc/self/fd names it so too, so read_file read the
// secret outside and search_text searched it. A file with more than one name is now refused
// (read) or skipped (search), judged on the handle that would be read.

function context(): ToolExecuteContext {
  return {
    signal: new AbortController().signal,
    toolCallId: 'call-1',
    step: 1,
    logger: silentLogger,
    contents: [],
  };
}

let base: string;
let root: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-hard-link-')));
  root = join(base, 'root');
  await mkdir(root);
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'secret.txt'), 'TOKEN=outside-secret\n');
  await link(join(base, 'outside', 'secret.txt'), join(root, 'notes.txt'));
  await writeFile(join(root, 'plain.txt'), 'TOKEN=plain\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('file tools and a hard link leading out of the root (leftovers73)', () => {
  it('read_file refuses the linked file with a typed error that says why', async () => {
    const tools = createFileTools({ root });
    let error: unknown;
    try {
      await tools.readFile.execute({ path: 'notes.txt' }, context());
    } catch (thrown) {
      error = thrown;
    }
    expect(FileToolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'hard-link', path: 'notes.txt' });
    expect((error as Error).message).toContain('hard link');
    expect((error as Error).message).not.toContain('outside-secret');
    expect((error as Error).message).not.toContain(base);
    // A file with one name is read as before.
    expect(await tools.readFile.execute({ path: 'plain.txt' }, context())).toMatchObject({
      content: 'TOKEN=plain\n',
    });
  });

  it('search_text skips the linked file and counts it as skipped', async () => {
    const result = await createFileTools({ root }).searchText.execute(
      { query: 'TOKEN' },
      context(),
    );
    expect(result.matches.map((match) => match.path)).toEqual(['plain.txt']);
    expect(result.filesSkipped).toBe(1);
    expect(JSON.stringify(result)).not.toContain('outside-secret');
  });

  it('write_file replaces the name in the root, never the file outside (held before)', async () => {
    const write = createFileTools({ root, allowWrite: true }).writeFile;
    await write?.execute({ path: 'notes.txt', content: 'mine', overwrite: true }, context());
    expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(base, 'outside', 'secret.txt'), 'utf8')).toBe(
      'TOKEN=outside-secret\n',
    );
  });

  it('reads and searches the linked file when the root allows hard links (a pnpm node_modules)', async () => {
    const tools = createFileTools({ root, allowHardLinks: true });
    expect(await tools.readFile.execute({ path: 'notes.txt' }, context())).toMatchObject({
      content: 'TOKEN=outside-secret\n',
    });
    const result = await tools.searchText.execute({ query: 'TOKEN' }, context());
    expect(result.matches.map((match) => match.path).sort()).toEqual(['notes.txt', 'plain.txt']);
    expect(() => createFileTools({ root, allowHardLinks: 'yes' as never })).toThrow(
      /allowHardLinks/,
    );
  });
});
