import { realpathSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileTools } from './create-file-tools.ts';
import { FileToolError } from './file-tool-error.ts';
import { fileToolNames } from './file-tools-settings.ts';
import { openFileInRoot, probeFdPaths } from './open-in-root.ts';
import { READ_FLAGS } from './read-text-chunk.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

// Lets a test act at the exact moment between the path check and the open: the window another
// process would have to hit.
const hooks = vi.hoisted(() => ({
  beforeOpen: undefined as undefined | ((path: string) => Promise<void>),
  beforeMkdir: undefined as undefined | ((path: string) => Promise<void>),
  beforeReaddir: undefined as undefined | ((path: string) => Promise<void>),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      await hooks.beforeOpen?.(String(args[0]));
      return actual.open(...args);
    },
    readdir: async (...args: Parameters<typeof actual.readdir>) => {
      await hooks.beforeReaddir?.(String(args[0]));
      return (actual.readdir as (...rest: unknown[]) => unknown)(...args);
    },
    mkdir: async (...args: Parameters<typeof actual.mkdir>) => {
      await hooks.beforeMkdir?.(String(args[0]));
      return actual.mkdir(...args);
    },
  };
});

// Creating folders and the loop below are airtight only where folders are held by descriptor
// (Linux); the portable fallback narrows the window without closing it, as its TSDoc says.
const heldByDescriptor = probeFdPaths(realpathSync(tmpdir()));

const context: ToolExecuteContext = {
  signal: new AbortController().signal,
  toolCallId: 'call-1',
  step: 1,
  logger: silentLogger,
  contents: [],
};

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-race-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'sub', 'file.txt'), 'inside');
  await writeFile(join(outside, 'file.txt'), 'SECRET');
});

afterEach(async () => {
  hooks.beforeOpen = undefined;
  hooks.beforeMkdir = undefined;
  hooks.beforeReaddir = undefined;
  await rm(base, { recursive: true, force: true });
});

/** Swaps root/sub for a link to the outside folder, once. */
async function swapSubForLink(): Promise<void> {
  await rename(join(root, 'sub'), join(root, 'sub-real'));
  await symlink(outside, join(root, 'sub'));
}

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (FileToolError.isInstance(error)) return error;
    throw error;
  }
}

describe('a parent folder swapped for a symbolic link after the path check', () => {
  it('never lets read_file return a file outside the root', async () => {
    const files = createFileTools({ root });
    let swapped = false;
    hooks.beforeOpen = async (path) => {
      if (!swapped && path.endsWith('file.txt')) {
        swapped = true;
        await swapSubForLink();
      }
    };
    const result = await outcome(() => files.readFile.execute({ path: 'sub/file.txt' }, context));
    expect(swapped).toBe(true);
    expect(JSON.stringify(result)).not.toContain('SECRET');
    expect(result).toMatchObject({ reason: 'outside-root' });
    expect((result as FileToolError).message).not.toContain(base);
  });

  it('never lets search_text read a file outside the root', async () => {
    const files = createFileTools({ root });
    let swapped = false;
    hooks.beforeOpen = async (path) => {
      if (!swapped && path.endsWith('file.txt')) {
        swapped = true;
        await swapSubForLink();
      }
    };
    const result = await files.searchText.execute({ query: 'SECRET' }, context);
    expect(swapped).toBe(true);
    expect(result.matches).toEqual([]);
  });

  it('never lets write_file put its temporary file or the result outside the root', async () => {
    const files = createFileTools({ root, allowWrite: true });
    let swapped = false;
    hooks.beforeOpen = async (path) => {
      if (!swapped && path.endsWith('.tmp')) {
        swapped = true;
        await swapSubForLink();
      }
    };
    await outcome(() =>
      files.writeFile!.execute({ path: 'sub/new.txt', content: 'model text' }, context),
    );
    expect(swapped).toBe(true);
    expect(await readdir(outside)).toEqual(['file.txt']);
    expect(await readFile(join(outside, 'file.txt'), 'utf8')).toBe('SECRET');
  });

  it.runIf(heldByDescriptor)(
    'never lets write_file create missing folders outside the root',
    async () => {
      const files = createFileTools({ root, allowWrite: true });
      let swapped = false;
      hooks.beforeMkdir = async () => {
        if (!swapped) {
          swapped = true;
          await swapSubForLink();
        }
      };
      await outcome(() =>
        files.writeFile!.execute({ path: 'sub/a/b/new.txt', content: 'model text' }, context),
      );
      expect(swapped).toBe(true);
      expect(await readdir(outside)).toEqual(['file.txt']);
    },
  );

  it('never lets list_files, find_files or search_text list a folder outside the root', async () => {
    await writeFile(join(outside, 'only-outside.txt'), 'SECRET');
    const files = createFileTools({ root });
    const runs = [
      () => files.listFiles.execute({ path: '.', depth: 3 }, context),
      () => files.findFiles.execute({ pattern: '*.txt' }, context),
      () => files.searchText.execute({ query: 'secret' }, context),
    ];
    for (const run of runs) {
      let swapped = false;
      // The walk opens (fixed) or lists (before) root/sub: swap it for a link just then.
      const swapOnce = async (path: string) => {
        if (!swapped && path === join(root, 'sub')) {
          swapped = true;
          await swapSubForLink();
        }
      };
      hooks.beforeOpen = swapOnce;
      hooks.beforeReaddir = swapOnce;
      const result = await run();
      expect(swapped).toBe(true);
      expect(JSON.stringify(result)).not.toContain('only-outside');
      expect(JSON.stringify(result)).not.toContain('SECRET');
      // Put the folder back for the next tool.
      await unlink(join(root, 'sub'));
      await rename(join(root, 'sub-real'), join(root, 'sub'));
    }
  });

  // A stress test of the same race with a real concurrent swapper: a worker thread flips
  // root/sub between the folder and a link to the outside as fast as it can while the tools read
  // and write. Bounded in iterations and in time, so it never runs long on a busy machine.
  it.runIf(heldByDescriptor)('holds while another thread swaps the folder in a loop', async () => {
    const files = createFileTools({ root, allowWrite: true });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `
      const { workerData } = require('node:worker_threads');
      const fs = require('node:fs');
      const { sub, real, outside, stop, deadline } = workerData;
      while (Atomics.load(stop, 0) === 0 && Date.now() < deadline) {
        try {
          fs.renameSync(sub, real);
          fs.symlinkSync(outside, sub);
          fs.unlinkSync(sub);
          fs.renameSync(real, sub);
        } catch {}
      }
      `,
      {
        eval: true,
        workerData: {
          sub: join(root, 'sub'),
          real: join(root, 'sub-real'),
          outside,
          stop,
          deadline: Date.now() + 4000,
        },
      },
    );
    const seen = { inside: 0, refused: 0 };
    try {
      const until = Date.now() + 3000;
      for (let index = 0; index < 3000 && Date.now() < until; index++) {
        const read = await outcome(() => files.readFile.execute({ path: 'sub/file.txt' }, context));
        expect(JSON.stringify(read)).not.toContain('SECRET');
        if (FileToolError.isInstance(read)) seen.refused++;
        else seen.inside++;
        await outcome(() =>
          files.writeFile!.execute(
            { path: `sub/w${index % 10}.txt`, content: 'model text', overwrite: true },
            context,
          ),
        );
      }
    } finally {
      Atomics.store(stop, 0, 1);
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    // Put the folder back if the worker stopped mid-swap, then look outside.
    await unlink(join(root, 'sub')).catch(() => {});
    await rename(join(root, 'sub-real'), join(root, 'sub')).catch(() => {});
    expect(seen.inside + seen.refused).toBeGreaterThan(0);
    expect(await readdir(outside)).toEqual(['file.txt']);
    expect(await readFile(join(outside, 'file.txt'), 'utf8')).toBe('SECRET');
  });
});

describe('a file removed after the path check', () => {
  it('is not-found, naming the tools as the model sees them', async () => {
    const files = createFileTools({ root, namePrefix: 'docs_' });
    hooks.beforeOpen = async (path) => {
      if (path.endsWith('file.txt')) {
        hooks.beforeOpen = undefined;
        await unlink(join(root, 'sub', 'file.txt'));
      }
    };
    const error = await outcome(() => files.readFile.execute({ path: 'sub/file.txt' }, context));
    expect(error).toMatchObject({
      reason: 'not-found',
      message:
        '"sub/file.txt" does not exist. Use docs_list_files or docs_find_files to see what is there.',
    });
  });
});

describe('without /proc/self/fd (the portable fallback)', () => {
  it('is used only when /proc/self/fd reads back the root', () => {
    expect(probeFdPaths(root)).toBe(process.platform === 'linux');
    expect(probeFdPaths(join(root, 'missing'))).toBe(false);
  });

  it('refuses a file whose folder was swapped before the open, by device and inode', async () => {
    hooks.beforeOpen = async (path) => {
      if (path.endsWith('file.txt')) {
        hooks.beforeOpen = undefined;
        await swapSubForLink();
      }
    };
    const error = await outcome(() =>
      openFileInRoot({
        rootReal: root,
        absolute: join(root, 'sub', 'file.txt'),
        relative: 'sub/file.txt',
        flags: READ_FLAGS,
        fdPaths: false,
        names: fileToolNames(''),
      }),
    );
    expect(error).toMatchObject({ reason: 'outside-root' });
  });

  it('removes a temporary file that landed outside before writing to it', async () => {
    hooks.beforeOpen = async (path) => {
      if (path.endsWith('.tmp')) {
        hooks.beforeOpen = undefined;
        await swapSubForLink();
      }
    };
    const error = await outcome(() =>
      writeFileAtomic({
        rootReal: root,
        absolute: join(root, 'sub', 'new.txt'),
        relative: 'sub/new.txt',
        content: 'model text',
        overwrite: false,
        createDirectories: true,
        fdPaths: false,
        names: fileToolNames(''),
      }),
    );
    expect(error).toMatchObject({ reason: 'outside-root' });
    expect(await readdir(outside)).toEqual(['file.txt']);
  });

  it('reads and writes normally when nothing is swapped', async () => {
    const handle = await openFileInRoot({
      rootReal: root,
      absolute: join(root, 'sub', 'file.txt'),
      relative: 'sub/file.txt',
      flags: READ_FLAGS,
      fdPaths: false,
      names: fileToolNames(''),
    });
    expect(await handle.readFile('utf8')).toBe('inside');
    await handle.close();
    expect(
      await writeFileAtomic({
        rootReal: root,
        absolute: join(root, 'sub', 'a', 'new.txt'),
        relative: 'sub/a/new.txt',
        content: 'model text',
        overwrite: false,
        createDirectories: true,
        fdPaths: false,
        names: fileToolNames(''),
      }),
    ).toEqual({ created: true });
    expect(await readFile(join(root, 'sub', 'a', 'new.txt'), 'utf8')).toBe('model text');
  });
});
