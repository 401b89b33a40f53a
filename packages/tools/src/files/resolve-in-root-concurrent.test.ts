import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { fileToolNames } from './file-tools-settings.ts';
import { resolveInRoot } from './resolve-in-root.ts';

// Wrap realpath so a test can change the disk right after a given folder was looked at, the
// moment a concurrent write of the same process would (issue 56's flaky "writes made at once").
const hooks = vi.hoisted(() => ({
  afterRealpath: undefined as undefined | ((path: string) => Promise<void>),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    realpath: async (path: string) => {
      const real = await actual.realpath(path);
      await hooks.afterRealpath?.(path);
      return real;
    },
  };
});

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-resolve-')));
});

afterEach(async () => {
  hooks.afterRealpath = undefined;
  await rm(root, { recursive: true, force: true });
});

it('keeps a missing path whole when its first folder is made while it is resolved', async () => {
  let made = false;
  hooks.afterRealpath = async (path) => {
    // The write that makes "sub" lands just after the root was found to be the nearest folder.
    if (path === root && !made) {
      made = true;
      await mkdir(join(root, 'sub'));
    }
  };
  const target = await resolveInRoot(root, 'sub/objects/info/keep', fileToolNames(''));
  expect(made).toBe(true);
  // Before, the rest was measured from "sub" (there by then) and joined to the root:
  // "<root>/objects/info/keep", and write_file wrote there.
  expect(target).toEqual({
    absolute: join(root, 'sub', 'objects', 'info', 'keep'),
    relative: 'sub/objects/info/keep',
    exists: false,
  });
});
