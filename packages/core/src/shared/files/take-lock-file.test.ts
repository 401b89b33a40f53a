import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LockFileRecord, takeLockFile } from './take-lock-file.ts';

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
});
