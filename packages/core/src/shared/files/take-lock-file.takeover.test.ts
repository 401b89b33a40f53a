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
    // B's lock, moved aside by A's rename, is back under the lock's name with B's record.
    expect(b?.status).toBe('taken');
    expect(a.status).toBe('held');
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
