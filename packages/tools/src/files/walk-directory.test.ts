import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileToolNames } from './file-tools-settings.ts';
import { probeFdPaths } from './open-in-root.ts';
import { type WalkEntry, walkDirectory } from './walk-directory.ts';

// The walk every listing and search tool stands on: breadth first, names sorted, bounded in
// depth and entries, never through a link, and stoppable.

let base: string;
let root: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-walk-')));
  root = join(base, 'root');
  await mkdir(join(root, 'b', 'deep', 'deeper'), { recursive: true });
  await mkdir(join(root, 'a'));
  await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await writeFile(join(root, 'z.txt'), 'z');
  await writeFile(join(root, 'a', 'one.txt'), '1');
  await writeFile(join(root, 'b', 'deep', 'deeper', 'bottom.txt'), 'b');
  await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), 'x');
  await writeFile(join(base, 'outside', 'secret.txt'), 's');
  await symlink(join(base, 'outside'), join(root, 'link'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function walk(
  overrides: Partial<Parameters<typeof walkDirectory>[0]> = {},
): Promise<{ entries: WalkEntry[]; truncated: boolean; visited: number }> {
  const entries: WalkEntry[] = [];
  const result = await walkDirectory({
    rootReal: root,
    fdPaths: probeFdPaths(root),
    names: fileToolNames(''),
    start: root,
    startRelative: '.',
    maxDepth: 64,
    skipDirectories: new Set(['node_modules']),
    maxEntries: 10_000,
    signal: new AbortController().signal,
    visit: (entry) => {
      entries.push(entry);
      return undefined;
    },
    ...overrides,
  });
  return { entries, ...result };
}

describe('walkDirectory', () => {
  it('walks breadth first, names sorted, each entry with its type and depth', async () => {
    const { entries, truncated } = await walk();
    expect(entries.map((entry) => [entry.relative, entry.type, entry.depth])).toEqual([
      ['a', 'directory', 1],
      ['b', 'directory', 1],
      ['link', 'symlink', 1],
      ['node_modules', 'directory', 1],
      ['z.txt', 'file', 1],
      ['a/one.txt', 'file', 2],
      ['b/deep', 'directory', 2],
      ['b/deep/deeper', 'directory', 3],
      ['b/deep/deeper/bottom.txt', 'file', 4],
    ]);
    expect(truncated).toBe(false);
  });

  it('never walks through a link, nor into a skipped folder', async () => {
    const { entries } = await walk();
    expect(entries.some((entry) => entry.relative.startsWith('link/'))).toBe(false);
    expect(entries.some((entry) => entry.relative.startsWith('node_modules/'))).toBe(false);
  });

  it('stops at the depth it was given', async () => {
    const { entries } = await walk({ maxDepth: 2 });
    expect(Math.max(...entries.map((entry) => entry.depth))).toBe(2);
    expect(entries.map((entry) => entry.relative)).not.toContain('b/deep/deeper');
  });

  it('stops at the entry limit and says so', async () => {
    const { entries, truncated, visited } = await walk({ maxEntries: 3 });
    expect(entries.map((entry) => entry.relative)).toEqual(['a', 'b', 'link']);
    expect(truncated).toBe(true);
    expect(visited).toBe(3);
  });

  it('stops when the visitor says so', async () => {
    let seen = 0;
    const result = await walk({
      visit: () => {
        seen++;
        return seen < 2;
      },
    });
    expect(seen).toBe(2);
    expect(result.truncated).toBe(true);
  });

  it('starts from a subfolder with its root-relative paths', async () => {
    const { entries } = await walk({ start: join(root, 'b'), startRelative: 'b' });
    expect(entries.map((entry) => entry.relative)).toEqual([
      'b/deep',
      'b/deep/deeper',
      'b/deep/deeper/bottom.txt',
    ]);
  });

  it('walks names in any script, with spaces and odd characters, as they are', async () => {
    for (const name of ['Übersicht', 'with space', '😀.md', '-dash', "quote'd"]) {
      await writeFile(join(root, 'a', name), 'x');
    }
    const names = (await walk({ start: join(root, 'a'), startRelative: 'a' })).entries.map(
      (entry) => entry.name,
    );
    expect(names).toEqual(
      ['-dash', 'one.txt', "quote'd", 'with space', 'Übersicht', '😀.md'].sort((left, right) =>
        left < right ? -1 : left > right ? 1 : 0,
      ),
    );
  });

  it('stops with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(walk({ signal: controller.signal })).rejects.toBe(reason);
  });

  it('walks a folder of 2,000 entries to its end, and a wide walk stops at the limit', async () => {
    await mkdir(join(root, 'wide'));
    await Promise.all(
      Array.from({ length: 2_000 }, (_, index) => writeFile(join(root, 'wide', `f${index}`), '')),
    );
    const all = await walk({ start: join(root, 'wide'), startRelative: 'wide' });
    expect(all.entries).toHaveLength(2_000);
    const limited = await walk({
      start: join(root, 'wide'),
      startRelative: 'wide',
      maxEntries: 500,
    });
    expect(limited.entries).toHaveLength(500);
    expect(limited.truncated).toBe(true);
  });
});
