import { mkdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { settles } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeFolder, makeFolderSync } from './make-folder.ts';

// attack29, leftovers35a: Node's `mkdir(dir, { recursive: true })` never settles under /proc
// (procfs answers ENOENT, Node makes the parent, EEXIST, tries again, forever). The bounded
// helper every user-given folder goes through ends with that ENOENT instead.

describe('makeFolder', () => {
  it('ends with ENOENT for a folder under /proc, async and sync', async () => {
    const dir = '/proc/gemloop-attack/a/b';
    const error = await settles(
      makeFolder({ dir, mkdir: (path) => mkdir(path), dirname }).catch((caught) => caught),
      'makeFolder',
    );
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(() => makeFolderSync({ dir, mkdir: (path) => mkdirSync(path), dirname })).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('makes every missing level, takes an existing folder and leaves a file in the way to its open', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gemloop-make-folder-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const deep = join(root, 'a', 'b', 'c');
    await makeFolder({ dir: deep, mkdir: (path) => mkdir(path), dirname });
    await makeFolder({ dir: deep, mkdir: (path) => mkdir(path), dirname });
    makeFolderSync({ dir: join(root, 'x', 'y'), mkdir: (path) => mkdirSync(path), dirname });
    expect((await stat(deep)).isDirectory()).toBe(true);
    expect((await stat(join(root, 'x', 'y'))).isDirectory()).toBe(true);
    await writeFile(join(root, 'file'), 'x');
    // As with `recursive`: an entry of that name is taken; a folder below it fails (ENOTDIR).
    await makeFolder({ dir: join(root, 'file'), mkdir: (path) => mkdir(path), dirname });
    const below = await makeFolder({
      dir: join(root, 'file', 'below'),
      mkdir: (path) => mkdir(path),
      dirname,
    }).catch((caught) => caught);
    expect((below as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });
});
