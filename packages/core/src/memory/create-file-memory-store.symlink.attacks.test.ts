// A memory file kept elsewhere through a symbolic link (knowledge67): `memories.jsonl -> /data/
// memories.jsonl`, as a deployment puts data on a volume. Reads followed the link, but a change
// renamed its new file over the link itself: the link became a regular file beside it, the
// volume's file stopped changing, and a store given the volume's path (another worker, the next
// deployment) no longer saw what was remembered, nor the other way round. Each path also took
// its own lock (`<path>.lock`), so the two never waited for each other. The CLI's report files
// (`writeTextFile`) already follow a link: the file it points to is replaced, the link kept.
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-link-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A file in `data/` and a link to it in `app/`. */
async function linked(): Promise<{ target: string; link: string }> {
  await mkdir(join(folder, 'data'));
  await mkdir(join(folder, 'app'));
  const target = join(folder, 'data', 'memories.jsonl');
  const link = join(folder, 'app', 'memories.jsonl');
  await createFileMemoryStore({ path: target }).add('ana', {
    kind: 'fact',
    text: 'likes tea',
    embedding: [1, 0],
  });
  await symlink(target, link);
  return { target, link };
}

describe('createFileMemoryStore on a symbolic link to the memory file', () => {
  it('writes the file the link points to and keeps the link', async () => {
    const { target, link } = await linked();
    await createFileMemoryStore({ path: link }).add('ana', {
      kind: 'fact',
      text: 'likes trains',
      embedding: [0, 1],
    });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const seen = await createFileMemoryStore({ path: target }).list('ana');
    expect(seen.map(({ text }) => text)).toEqual(['likes tea', 'likes trains']);
    // The temporary file and the lock were the target's, and none is left.
    expect(await readdir(join(folder, 'app'))).toEqual(['memories.jsonl']);
    expect(await readdir(join(folder, 'data'))).toEqual(['memories.jsonl']);
  });

  it('loses no change of two stores, one on the link and one on the file, writing at once', async () => {
    const { target, link } = await linked();
    const viaLink = createFileMemoryStore({ path: link });
    const viaTarget = createFileMemoryStore({ path: target });
    const adds = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? viaLink : viaTarget).add('ana', {
        kind: 'fact',
        text: `fact ${index}`,
        embedding: [1, index],
      }),
    );
    await Promise.all(adds);
    for (const store of [viaLink, viaTarget]) {
      expect(await store.list('ana')).toHaveLength(21);
    }
    const lines = (await readFile(target, 'utf8')).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(21);
  });

  it('follows a link made before its file: the first change makes the file where it leads', async () => {
    await mkdir(join(folder, 'data'));
    await mkdir(join(folder, 'app'));
    const target = join(folder, 'data', 'memories.jsonl');
    const link = join(folder, 'app', 'memories.jsonl');
    // A volume's link is often there before the data: relative, and leading to no file yet.
    await symlink(join('..', 'data', 'memories.jsonl'), link);
    await createFileMemoryStore({ path: link }).add('ana', {
      kind: 'fact',
      text: 'likes tea',
      embedding: [1, 0],
    });
    // Before: the change was renamed over the link, which became a file of its own.
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const seen = await createFileMemoryStore({ path: target }).list('ana');
    expect(seen.map(({ text }) => text)).toEqual(['likes tea']);
  });
});
