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

// The takeover of a stale lock where the file system or the scheduler is not kind: no hard links
// (FAT/exFAT, some network mounts), a taker paused between its calls, a claimer that died and left
// its claim. The file calls are wrapped (`calls`), as take-lock-file.test.ts does: no real FAT, no
// sleeps; a pause is a clock (`now`) moved on.

let folder = '';
let lockFile = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-lock-takeover-'));
  lockFile = join(folder, 'data.lock');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const plain: LockFileCalls = {
  open: files.open,
  link: files.link,
  unlink: files.unlink,
  rename: files.rename,
  readdir: files.readdir,
};
const hourAgo = (): Date => new Date(Date.now() - 3_600_000);

/** A lock with no record, an hour old: stale for every writer. */
async function writeStaleLock(): Promise<void> {
  await writeFile(lockFile, 'not a lock record');
  await utimes(lockFile, hourAgo(), hourAgo());
}

/** `link` as a file system without hard links answers it. */
function noLinks(code: string): LockFileCalls['link'] {
  return async (from, to) => {
    throw Object.assign(new Error(`${code}: operation not permitted, link '${from}' -> '${to}'`), {
      code,
    });
  };
}

/**
 * `open` whose handle of `path` reports its inode changed an hour ago (a link sets the change
 * time, which utimes cannot take back), and runs `onClose` once after the first such handle closed.
 */
function openWith(
  path: string,
  { oldChange = false, onClose }: { oldChange?: boolean; onClose?: () => Promise<void> },
): LockFileCalls['open'] {
  let closes = 0;
  return (async (opened: string, ...rest: [string | number, number?]) => {
    const handle = await files.open(opened, ...rest);
    if (opened !== path) return handle;
    const stat = handle.stat.bind(handle);
    const close = handle.close.bind(handle);
    return Object.assign(handle, {
      stat: async (options?: { bigint?: boolean }) => {
        const found = await stat(options as { bigint: true });
        return oldChange ? Object.assign(found, { ctimeMs: BigInt(hourAgo().getTime()) }) : found;
      },
      close: async () => {
        await close();
        if (onClose !== undefined && closes++ === 0) await onClose();
      },
    });
  }) as LockFileCalls['open'];
}

const takenOf = (found: (TakeLockFileResult | undefined)[]): TakeLockFileResult[] =>
  found.filter((one): one is TakeLockFileResult => one?.status === 'taken');

async function releaseAll(found: TakeLockFileResult[]): Promise<void> {
  for (const one of found) if (one.status === 'taken') await one.lock.release();
}

describe('takeLockFile on a file system without hard links', () => {
  it.each(['EPERM', 'ENOSYS', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP'])(
    'takes a stale lock over when link fails with %s, and leaves no claim behind',
    async (code) => {
      await writeStaleLock();
      const found = await takeLockFile(lockFile, { calls: { ...plain, link: noLinks(code) } });
      expect(found.status).toBe('taken');
      const record = JSON.parse(await readFile(lockFile, 'utf8')) as LockFileRecord;
      expect(record.pid).toBe(process.pid);
      expect(await readdir(folder)).toEqual(['data.lock']);
      await releaseAll([found]);
      expect(await readdir(folder)).toEqual([]);
    },
  );

  it('never keeps a fresh lock from its holder when a stale one meets several writers at once: one writer holds it', async () => {
    await writeStaleLock();
    // As take-lock-file.test.ts's race: before each call of writer A that moves or removes a name,
    // another writer runs to its end (B takes the stale lock over, then D tries), all without links.
    const others: Promise<TakeLockFileResult>[] = [];
    const between = async (): Promise<void> => {
      if (others.length < 2) {
        const other = takeLockFile(lockFile, { calls: { ...plain, link: noLinks('EPERM') } });
        others.push(other);
        await other;
      }
    };
    const calls: LockFileCalls = {
      ...plain,
      link: noLinks('EPERM'),
      rename: async (from, to) => {
        await between();
        return files.rename(from, to);
      },
      unlink: async (path) => {
        await between();
        return files.unlink(path);
      },
    };
    const a = await takeLockFile(lockFile, { calls });
    const [b, d] = await Promise.all(others);
    const taken = takenOf([a, b, d]);
    expect(taken).toHaveLength(1);
    // A's claim (a file of its own, no link needed) came before its first such call: B met it and
    // left the lock to A; A moved the stale lock aside and D took the free name. A fresh lock
    // moved aside is put back: the paused taker's test below.
    expect([a.status, b?.status, d?.status]).toEqual(['held', 'held', 'taken']);
    await releaseAll(taken);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('takeLockFile with a taker paused mid-takeover', () => {
  it('leaves the lock alone when more than its claim’s trust passed between the claim and the removal', async () => {
    await writeStaleLock();
    const stat = await files.stat(lockFile, { bigint: true });
    const claim = `${lockFile}.${stat.ino}-${stat.mtimeNs}.stale`;
    let clock = 0;
    let other: Promise<TakeLockFileResult> | undefined;
    // A has linked its claim and read it back; then A is paused (11 s on its clock) while B, seeing
    // A's claim older than the grace, removes it, claims the lock itself and takes it over.
    const pause = async (): Promise<void> => {
      other = takeLockFile(lockFile, {
        calls: { ...plain, open: openWith(claim, { oldChange: true }) },
      });
      await other;
      clock += 11_000;
    };
    const a = await takeLockFile(lockFile, {
      calls: { ...plain, open: openWith(claim, { onClose: pause }) },
      now: () => clock,
    });
    const b = await other;
    const taken = takenOf([a, b]);
    // Before: A removed B's fresh lock by its name and took the lock too.
    expect(taken).toHaveLength(1);
    expect(b?.status).toBe('taken');
    expect(a).toMatchObject({ status: 'held', sameProcess: true });
    await releaseAll(taken);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('takeLockFile and claims left behind', () => {
  it('removes a claim whose claimer died after removing the lock, and keeps a young claim and other files', async () => {
    // The claimer removed the stale lock and died before removing its claim: no lock, no later
    // taker of that lock ever claims that name again.
    const orphan = join(folder, 'data.lock.1234-5678.stale');
    await writeFile(orphan, 'not a lock record');
    // Another lock's claim, made just now: its claimer is at work.
    await writeFile(join(folder, 'other.lock.99-98.stale'), '');
    // Not a claim of a lock: never touched.
    await writeFile(join(folder, 'notes.1-2.stale'), '');
    const found = await takeLockFile(lockFile, {
      calls: { ...plain, open: openWith(orphan, { oldChange: true }) },
    });
    expect(found.status).toBe('taken');
    await releaseAll([found]);
    expect((await readdir(folder)).sort()).toEqual(['notes.1-2.stale', 'other.lock.99-98.stale']);
  });
});

// leftovers49 (what leftovers45 left): two takers meeting one dead claimer's claim at once, and a
// taker paused past the grace between its last check and its removal of the lock.
describe('takeLockFile takeovers that race', () => {
  /** One taking in the folder first: its sweep of left claims is done, as in a running process. */
  async function warmUp(): Promise<void> {
    await releaseAll([await takeLockFile(lockFile)]);
  }

  /** `open` whose handles report a change time an hour back for a file unchanged since `before`. */
  function agedUntil(before: number, claimsOnly = false): LockFileCalls['open'] {
    return (async (opened: string, ...rest: [string | number, number?]) => {
      const handle = await files.open(opened, ...rest);
      if (claimsOnly && !opened.endsWith('.stale')) return handle;
      const stat = handle.stat.bind(handle);
      return Object.assign(handle, {
        stat: async (options?: { bigint?: boolean }) => {
          const found = await stat(options as { bigint: true });
          return Number(found.ctimeMs) <= before
            ? Object.assign(found, { ctimeMs: BigInt(hourAgo().getTime()) })
            : found;
        },
      });
    }) as LockFileCalls['open'];
  }

  it('two takers meeting one dead claimer’s claim: one of them holds the lock', async () => {
    await warmUp();
    await writeStaleLock();
    // A claimer linked its claim to the stale lock and died before removing the lock.
    const stat = await files.stat(lockFile, { bigint: true });
    const orphan = `${lockFile}.${stat.ino}-${stat.mtimeNs}.stale`;
    await files.link(lockFile, orphan);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const open = agedUntil(Date.now() - 10);
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      return { promise, resolve };
    };
    const bBlocked = signal();
    const aAtLock = signal();
    const bAtLock = signal();
    const aDone = signal();
    // B has read the dead claim as dead and is about to remove it by its name when A runs: A removes
    // it too, claims the lock and is about to remove the lock; then B goes on to the same point;
    // then A finishes, then B.
    let bRemovedClaim = false;
    let bAtLockOnce = false;
    const bStep = async (path: string): Promise<void> => {
      if (path === orphan && !bRemovedClaim) {
        bRemovedClaim = true;
        bBlocked.resolve();
        await Promise.race([aAtLock.promise, aDone.promise]);
      } else if (path === lockFile && !bAtLockOnce) {
        bAtLockOnce = true;
        bBlocked.resolve();
        bAtLock.resolve();
        await aDone.promise;
      }
    };
    let aAtLockOnce = false;
    let bFound: Promise<TakeLockFileResult> = new Promise(() => {});
    const aStep = async (path: string): Promise<void> => {
      if (path === lockFile && !aAtLockOnce) {
        aAtLockOnce = true;
        aAtLock.resolve();
        await Promise.race([bAtLock.promise, bFound]);
      }
    };
    const stepped = (step: (path: string) => Promise<void>): LockFileCalls => ({
      ...plain,
      open,
      unlink: async (path) => {
        await step(String(path));
        return files.unlink(path);
      },
      rename: async (from, to) => {
        await step(String(from));
        return files.rename(from, to);
      },
    });
    bFound = takeLockFile(lockFile, { calls: stepped(bStep) });
    await Promise.race([bBlocked.promise, bFound]);
    const aFound = takeLockFile(lockFile, { calls: stepped(aStep) });
    void aFound.finally(aDone.resolve);
    const [a, b] = await Promise.all([aFound, bFound]);
    // Before: B removed A's fresh claim by its name, claimed the lock itself, and removed A's lock.
    const taken = takenOf([a, b]);
    expect(taken).toHaveLength(1);
    await releaseAll(taken);
    expect(await readdir(folder)).toEqual([]);
  });

  it('a taker paused past the grace just before it removes the lock leaves the lock it finds', async () => {
    await warmUp();
    await writeStaleLock();
    let clock = 0;
    let other: Promise<TakeLockFileResult> | undefined;
    // A has claimed the stale lock and found it still the one it judged; it is paused (11 s on its
    // clock) just before it removes the lock, while B, taking A's claim for a dead claimer's,
    // takes the lock over and holds a fresh one.
    const pause = async (path: string): Promise<void> => {
      if (path !== lockFile || other !== undefined) return;
      other = takeLockFile(lockFile, {
        calls: { ...plain, open: agedUntil(Number.POSITIVE_INFINITY, true) },
      });
      await other;
      clock += 11_000;
    };
    const a = await takeLockFile(lockFile, {
      calls: {
        ...plain,
        unlink: async (path) => {
          await pause(String(path));
          return files.unlink(path);
        },
        rename: async (from, to) => {
          await pause(String(from));
          return files.rename(from, to);
        },
      },
      now: () => clock,
    });
    const b = await other;
    const taken = takenOf([a, b]);
    // Before: A removed B's fresh lock by its name and took the lock too.
    expect(taken).toHaveLength(1);
    expect(b?.status).toBe('taken');
    expect(a).toMatchObject({ status: 'held', sameProcess: true });
    await releaseAll(taken);
    expect(await readdir(folder)).toEqual([]);
  });
});
