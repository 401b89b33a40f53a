import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Os from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import { MemoryError, type MemoryOperation } from './memory-error.ts';

// Loaded at the first write, not when gemloop is imported (as the store's node:fs).
const require = createRequire(import.meta.url);
const fs = (): typeof FsPromises => require('node:fs/promises') as typeof FsPromises;

/** How long a write waits for another writer's lock unless told otherwise: 30 s. */
export const DEFAULT_MEMORY_LOCK_WAIT_MS = 30_000;

/**
 * How long a lock file may hold no lock record before it is taken for abandoned: its writer
 * writes the record right after creating it (microseconds), so 10 s is past any pause of a
 * loaded machine.
 */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

/** Who holds a lock, and a token that tells this taking from any other. */
type LockRecord = {
  pid: number;
  hostname: string;
  /** The process's start (`performance.timeOrigin`): a reused pid has another. */
  startedAt: number;
  threadId: number;
  token: string;
};

type FoundLock = { record: LockRecord | undefined; raw: string; ageMs: number };

/**
 * Runs `work` holding the lock of a memory file: `<file>.lock`, made with `O_EXCL` and holding
 * the pid, host, start time and thread of its writer, removed when `work` ends. Every store on
 * the path, in this process or another of this host, takes it for each change, so one change's
 * read, edit and rename is never interleaved with another's (each rewrote the whole file from
 * what it had read, and the later rename dropped the earlier change). A lock whose writer is gone
 * (a process of this host that is not running, an earlier process that had this pid, a file with
 * no record older than 10 s) is taken over; a live one is waited for, at most `waitMs`.
 *
 * @throws {@link MemoryError} (`operation`) when the lock is still held after `waitMs`, naming the
 *   lock file and its holder.
 * @internal
 */
export async function withMemoryFileLock<T>(
  file: string,
  { operation, waitMs }: { operation: MemoryOperation; waitMs: number },
  work: () => Promise<T>,
): Promise<T> {
  const lockFile = `${file}.lock`;
  const own: LockRecord = {
    pid: process.pid,
    hostname: (require('node:os') as typeof Os).hostname(),
    startedAt: Math.round(performance.timeOrigin),
    threadId: (require('node:worker_threads') as typeof WorkerThreads).threadId,
    token: crypto.randomUUID(),
  };
  const text = `${JSON.stringify(own)}\n`;
  const deadline = Date.now() + waitMs;
  let pause = 2;
  let holder: LockRecord | undefined;
  while (!(await create(lockFile, text))) {
    const head = await readHead(lockFile);
    if (head === 'missing') continue;
    if (!head.regular) {
      throw new MemoryError({
        operation,
        path: file,
        message: `The memory file's lock file ${lockFile} is not a regular file (a FIFO, a device, a folder); remove it.`,
      });
    }
    const found: FoundLock = { ...head, record: parseRecord(head.raw) };
    if (isStale(found, own)) {
      await removeStale(lockFile, found.raw);
      continue;
    }
    holder = found.record;
    if (Date.now() >= deadline) {
      const who =
        holder === undefined
          ? 'a writer that left no record'
          : `process ${holder.pid} on ${JSON.stringify(holder.hostname.slice(0, 100))}`;
      throw new MemoryError({
        operation,
        path: file,
        message: `The memory file ${file} is locked by ${who} (${lockFile}), still after ${waitMs} ms. If that process is gone (another host's lock cannot be checked from here), delete the lock file.`,
      });
    }
    // A change holds the lock for one read and one rename: short waits, growing to 50 ms.
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 50);
  }
  try {
    return await work();
  } finally {
    await removeIfOwn(lockFile, own.token);
  }
}

/** Creates the lock file with `O_EXCL` and writes its record; `false` when it exists. */
async function create(lockFile: string, text: string): Promise<boolean> {
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs().open(lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close();
    await fs()
      .unlink(lockFile)
      .catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * The first KiB of a file (a lock record is ~150 bytes: a planted large file is read no further)
 * and its age, or `'missing'`. Opened with `O_NONBLOCK`, so a FIFO planted under the name opens at
 * once and is reported (`regular: false`) rather than blocking a pool thread until a writer comes.
 */
async function readHead(
  path: string,
): Promise<{ raw: string; ageMs: number; regular: boolean } | 'missing'> {
  const { constants } = require('node:fs') as typeof Fs;
  let handle: FsPromises.FileHandle;
  try {
    handle = await fs().open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { raw: '', ageMs: 0, regular: false };
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
    const raw = buffer.subarray(0, bytesRead).toString('utf8');
    return { raw, ageMs: Date.now() - stat.mtimeMs, regular: true };
  } finally {
    await handle.close();
  }
}

function parseRecord(raw: string): LockRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockRecord> | null;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.hostname === 'string' &&
      typeof value.startedAt === 'number' &&
      Number.isInteger(value.threadId) &&
      typeof value.token === 'string'
    ) {
      return value as LockRecord;
    }
  } catch {
    // Not a lock record.
  }
  return undefined;
}

/**
 * Whether a lock's writer is certainly gone: a file with no record older than the grace, a
 * process of this host that is not running, or an earlier process of this pid (a container's pid
 * 1 restarted). Another host's lock cannot be checked and is never stale here; neither is another
 * thread's of this process.
 */
function isStale({ record, ageMs }: FoundLock, own: LockRecord): boolean {
  if (record === undefined) return ageMs > UNREADABLE_LOCK_GRACE_MS;
  if (record.hostname !== own.hostname) return false;
  if (record.pid === own.pid) {
    return record.threadId === own.threadId && Math.abs(record.startedAt - own.startedAt) > 1000;
  }
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock unless another writer replaced it meanwhile: renamed aside (one atomic
 * step, so two writers cannot both remove it), checked, and put back when it was a fresh one.
 */
async function removeStale(lockFile: string, staleText: string): Promise<void> {
  const aside = `${lockFile}.${crypto.randomUUID()}.stale`;
  try {
    await fs().rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readHead(aside).catch(() => 'missing' as const);
  if (moved === 'missing' || moved.raw !== staleText) {
    // A fresh lock: back in place, unless a third writer already took the name.
    await fs()
      .link(aside, lockFile)
      .catch(() => {});
  }
  await fs()
    .unlink(aside)
    .catch(() => {});
}

async function removeIfOwn(lockFile: string, token: string): Promise<void> {
  const head = await readHead(lockFile).catch(() => 'missing' as const);
  // Gone already, or unreadable: a lock left behind is taken over once this process is gone.
  if (head === 'missing' || parseRecord(head.raw)?.token !== token) return;
  await fs()
    .unlink(lockFile)
    .catch(() => {});
}
