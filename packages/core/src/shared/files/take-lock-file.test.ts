import * as files from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LockFileCalls,
  type LockFileRecord,
  type TakeLockFileResult,
  takeLockFile,
} from './take-lock-file.ts';

// The lock of both file stores (chat histories, memories); each store's own tests drive it through
// the store (chat/file-store-lock*.test.ts, memory/memory-file-lock.test.ts). Here: who counts as
// a live holder within this process, where the thread and the process's start decide.

let folder = '';
let lockFile = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-lock-file-'));
  lockFile = join(folder, 'data.lock');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

/** This thread's own record, as a taking writes it. */
async function ownRecord(): Promise<LockFileRecord> {
  const found = await takeLockFile(lockFile);
  if (found.status !== 'taken') throw new Error(`expected the lock taken, got ${found.status}`);
  const record = JSON.parse(await readFile(lockFile, 'utf8')) as LockFileRecord;
  await found.lock.release();
  return record;
}

describe('takeLockFile', () => {
  it('is held by a taking of this thread until released, then taken again; a release removes the file', async () => {
    const first = await takeLockFile(lockFile);
    expect(first.status).toBe('taken');
    const second = await takeLockFile(lockFile);
    expect(second).toMatchObject({
      status: 'held',
      sameProcess: true,
      holder: { pid: process.pid },
    });
    if (first.status === 'taken') await first.lock.release();
    const third = await takeLockFile(lockFile);
    expect(third.status).toBe('taken');
    if (third.status === 'taken') await third.lock.release();
    expect(await readdir(folder)).toEqual([]);
  });

  it("counts another thread of this process as a live holder whatever its start time (a worker's own time origin)", async () => {
    const own = await ownRecord();
    for (const other of [
      { ...own, threadId: own.threadId + 1, startedAt: own.startedAt + 3_600_000 },
      // No process start recorded (an older gemloop, or no /proc): the thread decides.
      { ...own, threadId: own.threadId + 1, startedAt: 1, process: undefined },
    ]) {
      const text = JSON.stringify({ ...other, token: 'other-thread' });
      await writeFile(lockFile, text);
      expect(await takeLockFile(lockFile)).toMatchObject({ status: 'held', sameProcess: true });
      expect(await readFile(lockFile, 'utf8')).toBe(text);
    }
  });

  it.runIf(process.platform === 'linux')(
    "takes over an earlier process's lock of this pid from any thread, told by the process's start in /proc",
    async () => {
      const own = await ownRecord();
      expect(own.process).toMatch(/^[\w-]+:\d+$/);
      await writeFile(
        lockFile,
        JSON.stringify({
          ...own,
          threadId: own.threadId + 3,
          process: 'another-boot:1',
          token: 'x',
        }),
      );
      const found = await takeLockFile(lockFile);
      expect(found.status).toBe('taken');
      expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({
        token: expect.not.stringMatching(/^x$/),
      });
      if (found.status === 'taken') await found.lock.release();
      expect(await readdir(folder)).toEqual([]);
    },
  );

  it('never deletes a fresh lock when a stale one meets several writers at once: one writer holds it', async () => {
    // A lock with no record, an hour old: stale for every writer.
    await writeFile(lockFile, 'not a lock record');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockFile, hourAgo, hourAgo);
    // Writer A read the stale lock; before each of its calls that moves, links or removes a name, another
    // writer runs to its end: B takes the stale lock over (a fresh lock of its own), then D tries.
    const others: Promise<TakeLockFileResult>[] = [];
    const between = async (): Promise<void> => {
      if (others.length < 2) {
        const other = takeLockFile(lockFile);
        others.push(other);
        await other;
      }
    };
    // `rename` too: the takeover before moved the lock aside and linked it back, and with it this
    // test ended with two writers holding the lock (B's fresh lock moved aside, D in its place).
    const calls: LockFileCalls = {
      open: files.open,
      readdir: files.readdir,
      rename: async (from, to) => {
        await between();
        return files.rename(from, to);
      },
      link: async (from, to) => {
        await between();
        return files.link(from, to);
      },
      unlink: async (path) => {
        await between();
        return files.unlink(path);
      },
    };
    const a = await takeLockFile(lockFile, { calls });
    const [b, d] = await Promise.all(others);
    const taken = [a, b, d].filter((found) => found?.status === 'taken');
    expect(taken).toHaveLength(1);
    // A claimed the stale lock before its first such call: B, meeting A's fresh claim, left it to
    // A; A moved the stale lock aside and D, run before A's next call, took the free name (before
    // leftovers49, B took the lock over and A put B's lock back after moving it aside).
    expect([a.status, b?.status, d?.status]).toEqual(['held', 'held', 'taken']);
    const record = JSON.parse(await readFile(lockFile, 'utf8')) as LockFileRecord;
    expect(record.pid).toBe(process.pid);
    for (const found of taken) if (found?.status === 'taken') await found.lock.release();
    expect(await readdir(folder)).toEqual([]);
  });

  it('leaves a lock another taker has just claimed, and removes a claim of one that died mid-takeover', async () => {
    await writeFile(lockFile, 'not a lock record');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockFile, hourAgo, hourAgo);
    const stat = await files.stat(lockFile, { bigint: true });
    const claim = `${lockFile}.${stat.ino}-${stat.mtimeNs}.stale`;
    await files.link(lockFile, claim);
    // Claimed just now: another taker is removing it.
    expect(await takeLockFile(lockFile)).toMatchObject({ status: 'held', holder: undefined });
    expect((await readdir(folder)).sort()).toEqual([
      'data.lock',
      `data.lock.${stat.ino}-${stat.mtimeNs}.stale`,
    ]);
    // Claimed an hour ago (the inode's change time, which a link sets and utimes cannot take back:
    // reported so by a wrapped stat): its claimer died between its two calls.
    const calls: LockFileCalls = {
      link: files.link,
      unlink: files.unlink,
      rename: files.rename,
      readdir: files.readdir,
      open: (async (path: string, ...rest: [string | number, number?]) => {
        const handle = await files.open(path, ...rest);
        if (path !== claim) return handle;
        const stat = handle.stat.bind(handle);
        return Object.assign(handle, {
          stat: async (options?: { bigint?: boolean }) =>
            Object.assign(await stat(options as { bigint: true }), {
              ctimeMs: BigInt(hourAgo.getTime()),
            }),
        });
      }) as LockFileCalls['open'],
    };
    const found = await takeLockFile(lockFile, { calls });
    expect(found.status).toBe('taken');
    if (found.status === 'taken') await found.lock.release();
    expect(await readdir(folder)).toEqual([]);
  });
});
