import { lstat, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileToolError } from './file-tool-error.ts';
import { fileToolNames } from './file-tools-settings.ts';
import { probeFdPaths } from './open-in-root.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

// Wrap rename and link so a test can look at the disk at the moment the new file would become
// visible, or make that step fail.
const hooks = vi.hoisted(() => ({
  beforeRename: undefined as undefined | ((from: string, to: string) => Promise<void>),
  beforeLink: undefined as undefined | ((from: string, to: string) => Promise<void>),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      await hooks.beforeRename?.(from, to);
      return actual.rename(from, to);
    },
    link: async (from: string, to: string) => {
      await hooks.beforeLink?.(from, to);
      return actual.link(from, to);
    },
  };
});

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-atomic-')));
});

afterEach(async () => {
  hooks.beforeRename = undefined;
  hooks.beforeLink = undefined;
  await rm(root, { recursive: true, force: true });
});

const content = 'line\n'.repeat(100_000);

describe('writeFileAtomic', () => {
  it('shows nothing at the target until the complete file takes its name', async () => {
    const target = join(root, 'new.txt');
    let seenAtLink: { targetExists: boolean; temporaryContent: string } | undefined;
    hooks.beforeLink = async (from) => {
      seenAtLink = {
        targetExists: (await readdir(root)).includes('new.txt'),
        temporaryContent: await readFile(from, 'utf8'),
      };
    };
    await writeFileAtomic({
      rootReal: root,
      fdPaths: probeFdPaths(root),
      names: fileToolNames(''),
      absolute: target,
      relative: 'new.txt',
      content,
      overwrite: false,
      createDirectories: false,
    });
    expect(seenAtLink).toEqual({ targetExists: false, temporaryContent: content });
    expect(await readFile(target, 'utf8')).toBe(content);
    expect(await readdir(root)).toEqual(['new.txt']);
  });

  it.skipIf(process.platform === 'win32')(
    'never replaces a socket, pipe or device, even with overwrite',
    async () => {
      // A running server's Unix socket inside the root: replaced by a regular file, the server
      // could no longer be reached at its path. read_file refuses such a file as wrong-type.
      const target = join(root, 'app.sock');
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(target, resolve));
      try {
        const write = writeFileAtomic({
          rootReal: root,
          fdPaths: probeFdPaths(root),
          names: fileToolNames(''),
          absolute: target,
          relative: 'app.sock',
          content: 'text',
          overwrite: true,
          createDirectories: false,
        });
        await expect(write).rejects.toMatchObject({ reason: 'wrong-type' });
        await expect(write).rejects.toThrow(/"app\.sock" is not a regular file/);
        expect((await lstat(target)).isSocket()).toBe(true);
        expect(await readdir(root)).toEqual(['app.sock']);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  it('keeps the old content visible until the replacement is complete', async () => {
    const target = join(root, 'doc.txt');
    await writeFile(target, 'old');
    let seen: { target: string; temporary: string } | undefined;
    hooks.beforeRename = async (from, to) => {
      seen = { target: await readFile(to, 'utf8'), temporary: await readFile(from, 'utf8') };
    };
    await writeFileAtomic({
      rootReal: root,
      fdPaths: probeFdPaths(root),
      names: fileToolNames(''),
      absolute: target,
      relative: 'doc.txt',
      content,
      overwrite: true,
      createDirectories: false,
    });
    expect(seen).toEqual({ target: 'old', temporary: content });
    expect(await readFile(target, 'utf8')).toBe(content);
  });

  it('removes the temporary file and leaves the old file when the replacement fails', async () => {
    const target = join(root, 'doc.txt');
    await writeFile(target, 'old');
    hooks.beforeRename = async () => {
      throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
    };
    const error = await writeFileAtomic({
      rootReal: root,
      fdPaths: probeFdPaths(root),
      names: fileToolNames(''),
      absolute: target,
      relative: 'doc.txt',
      content,
      overwrite: true,
      createDirectories: false,
    }).catch((caught: unknown) => caught);
    expect(FileToolError.isInstance(error)).toBe(true);
    expect((error as FileToolError).message).toBe('"doc.txt" could not be accessed (EIO).');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(root)).toEqual(['doc.txt']);
  });

  it('loses a create race cleanly: the other writer keeps the file, no temporary is left', async () => {
    const target = join(root, 'race.txt');
    hooks.beforeLink = async (_from, to) => {
      await writeFile(to, 'the other writer');
    };
    const error = await writeFileAtomic({
      rootReal: root,
      fdPaths: probeFdPaths(root),
      names: fileToolNames(''),
      absolute: target,
      relative: 'race.txt',
      content: 'mine',
      overwrite: false,
      createDirectories: false,
    }).catch((caught: unknown) => caught);
    expect((error as FileToolError).reason).toBe('exists');
    expect(await readFile(target, 'utf8')).toBe('the other writer');
    expect(await readdir(root)).toEqual(['race.txt']);
  });
});
