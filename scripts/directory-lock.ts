import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Takes the lock directory `lock` for this process, or says another live process holds it. The
 * lock is a directory (`mkdir` creates it or fails, atomically) holding its holder's pid; a lock
 * whose holder is gone (a run killed while it held it) is taken over. Shared by every process of a
 * test run, and by two runs of one checkout: Vitest's workers and projects are processes of their
 * own.
 */
export function takeDirectoryLock(lock: string): boolean {
  if (makeLock(lock)) return true;
  const holder = Number(readOrEmpty(join(lock, 'pid')));
  // No pid: its holder is between mkdir and writing it, or died there (an old lock).
  const stale = Number.isInteger(holder) && holder > 0 ? !isAlive(holder) : isOld(lock);
  if (!stale) return false;
  // Taken over (or lost to another process doing the same).
  rmSync(lock, { recursive: true, force: true });
  return makeLock(lock);
}

/** What {@link withDirectoryLock} waits for, and how long. */
export type DirectoryLockOptions = {
  /** Names the work in the timeout error. */
  what: string;
  /** How long to wait for another process's hold; the default is 20 minutes. */
  waitMs?: number;
};

/**
 * Runs `work` while this process holds `lock` (see {@link takeDirectoryLock}), after waiting for
 * any other live holder to let go: polled every 100 ms without blocking the event loop (a test
 * process's worker keeps talking to Vitest meanwhile). The lock is freed when `work` settles.
 */
export async function withDirectoryLock<T>(
  lock: string,
  work: () => Promise<T>,
  { what, waitMs = 20 * 60_000 }: DirectoryLockOptions,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!takeDirectoryLock(lock)) {
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: another process (its pid is in ${lock}) has held the lock for over ${Math.round(waitMs / 1000)} s; if none is running, delete ${lock}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Creates the lock with this process's pid in it; `false` when it exists. */
function makeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    // A missing parent folder (a fresh checkout's node_modules/.cache) is made, then tried again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    mkdirSync(join(lock, '..'), { recursive: true });
    return makeLock(lock);
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

function isOld(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
