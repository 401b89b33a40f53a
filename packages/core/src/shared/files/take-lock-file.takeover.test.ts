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
  it('a taker paused 11 s after its claim still takes the lock over alone: its claim is a live claimer’s', async () => {
    await writeStaleLock();
    const stat = await files.stat(lockFile, { bigint: true });
    const claim = `${lockFile}.${stat.ino}-${stat.mtimeNs}.stale`;
    let clock = 0;
    let other: Promise<TakeLockFileResult> | undefined;
    // A has made its claim and read it back; then A is paused (11 s on its clock) while B meets
    // A's claim looking older than the grace (before lockscli45 B stepped past it and took over).
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
    // Before: A removed B's fresh lock by its name and took the lock too. leftovers49: B took
    // A's claim for a dead claimer's and took the lock over, A left it. Now A's claim holds A's
    // record, a live claimer's however old it looks: B leaves the lock to A, which takes it over.
    expect(taken).toHaveLength(1);
    expect(a.status).toBe('taken');
    expect(b).toMatchObject({ status: 'held' });
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

  it('a taker paused past the grace just before it moves the lock aside takes it over alone', async () => {
    await warmUp();
    await writeStaleLock();
    let clock = 0;
    let other: Promise<TakeLockFileResult> | undefined;
    // A has claimed the stale lock and found it still the one it judged; it is paused (11 s on its
    // clock) just before it moves the lock aside, while B meets A's claim looking 10 s old (before
    // lockscli45 B took it for a dead claimer's and took the lock over).
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
    // Before: A removed B's fresh lock by its name and took the lock too. leftovers49: B took
    // A's claim for a dead claimer's and took the lock over, A left it. Now A's claim holds A's
    // record, a live claimer's however old it looks: B leaves the lock to A, which takes it over.
    expect(taken).toHaveLength(1);
    expect(a.status).toBe('taken');
    expect(b).toMatchObject({ status: 'held' });
    await releaseAll(taken);
    expect(await readdir(folder)).toEqual([]);
  });
});

// lockscli45 (what leftovers49 left): a taker paused, or a third writer come, between moving a
// fresh lock aside and putting it back; and a lock behind more dead claimers than a takeover
// stepped past. A claim now holds its claimer's record and is a dead one's only when its claimer
// is gone, as a lock is judged: a live claimer, however long paused, is never stepped past.
describe('takeLockFile with a fresh lock moved aside, and dead claimers in a row', () => {
  async function warmUp(): Promise<void> {
    await releaseAll([await takeLockFile(lockFile)]);
  }

  /** `open` whose handles of claims report a change time an hour back (as a claimer paused 10 s). */
  const claimsAged: LockFileCalls['open'] = (async (
    opened: string,
    ...rest: [string | number, number?]
  ) => {
    const handle = await files.open(opened, ...rest);
    if (!opened.endsWith('.stale')) return handle;
    const stat = handle.stat.bind(handle);
    return Object.assign(handle, {
      stat: async (options?: { bigint?: boolean }) =>
        Object.assign(await stat(options as { bigint: true }), {
          ctimeMs: BigInt(hourAgo().getTime()),
        }),
    });
  }) as LockFileCalls['open'];

  // A moved-aside file: `<lock>.<inode>-<time>.<uuid>.stale`.
  const isAside = (path: string): boolean => /\.[\da-f]{8}-[\da-f-]{27}\.stale$/.test(path);

  it.each([
    ['paused past a claim’s trust (6 s on its clock)', 'pause'],
    ['a third writer taking the free name', 'third writer'],
  ] as const)(
    'a taker that finds its claim stepped past and its lock replaced, then is %s before it puts the lock back: one writer holds the lock',
    async (_, between) => {
      await warmUp();
      await writeStaleLock();
      let clock = 0;
      let b: Promise<TakeLockFileResult> | undefined;
      let d: Promise<TakeLockFileResult> | undefined;
      // A has claimed the stale lock and checked it is still the one it judged; just before A
      // moves it aside, B (to whom A's claim looks 10 s old) runs to its end. Then, once A has
      // moved what is under the name aside and before it puts it back, A pauses or D runs.
      const calls: LockFileCalls = {
        ...plain,
        rename: async (from, to) => {
          if (String(from) === lockFile && b === undefined) {
            b = takeLockFile(lockFile, { calls: { ...plain, open: claimsAged } });
            await b;
          }
          return files.rename(from, to);
        },
        open: (async (opened: string, ...rest: [string | number, number?]) => {
          if (isAside(opened)) {
            if (between === 'pause') clock += 6_000;
            else if (d === undefined) {
              d = takeLockFile(lockFile);
              await d;
            }
          }
          return files.open(opened, ...rest);
        }) as LockFileCalls['open'],
      };
      const a = await takeLockFile(lockFile, { calls, now: () => clock });
      const taken = takenOf([a, await b, await d]);
      // Before: B took the lock over; A moved B's fresh lock aside and, paused, did not put it
      // back (A took the free name next), or found D at the name: B and A, or B and D, held it.
      expect(taken).toHaveLength(1);
      await releaseAll(taken);
      expect(await readdir(folder)).toEqual([]);
    },
  );

  it.each([
    ['looking older than the grace', true],
    ['made just now (the record decides, not the age)', false],
  ])(
    'takes a lock over behind eight dead claimers in a row, their claims %s, and removes them',
    async (_, aged) => {
      await warmUp();
      await writeStaleLock();
      const stat = await files.stat(lockFile, { bigint: true });
      const judged = `${stat.ino}-${stat.mtimeNs}`;
      // Eight takers claimed the stale lock one after another and died (killed) before moving it:
      // each claim holds a record whose process is not running (past Linux's largest pid), and
      // looks older than the grace (the old claims were judged by their age alone).
      const dead = JSON.stringify({
        pid: 4_194_305,
        hostname: (await import('node:os')).hostname(),
        startedAt: 1,
        threadId: 0,
        token: 'dead-claimer',
      });
      let claim = `${lockFile}.${judged}.stale`;
      for (let index = 0; index < 8; index++) {
        await writeFile(claim, dead);
        const claimStat = await files.stat(claim, { bigint: true });
        claim = `${lockFile}.${judged}.g${claimStat.ino}-${claimStat.mtimeNs}.stale`;
      }
      // Before: every taking stepped past eight claims and gave up: the lock was held for good.
      const found = await takeLockFile(lockFile, {
        calls: aged ? { ...plain, open: claimsAged } : plain,
      });
      expect(found.status).toBe('taken');
      await releaseAll([found]);
      expect(await readdir(folder)).toEqual([]);
    },
  );

  it('never steps past another host’s claim, however old it looks (its claimer cannot be checked)', async () => {
    await warmUp();
    await writeStaleLock();
    const stat = await files.stat(lockFile, { bigint: true });
    const claim = `${lockFile}.${stat.ino}-${stat.mtimeNs}.stale`;
    // A record-less lock is stale for every host; a taker on another host claimed it.
    await writeFile(
      claim,
      JSON.stringify({ pid: 1, hostname: 'another-host', startedAt: 1, threadId: 0, token: 'x' }),
    );
    const found = await takeLockFile(lockFile, { calls: { ...plain, open: claimsAged } });
    expect(found).toMatchObject({ status: 'held', holder: undefined });
    expect((await readdir(folder)).sort()).toEqual([
      'data.lock',
      `data.lock.${stat.ino}-${stat.mtimeNs}.stale`,
    ]);
  });
});
