import { takeLockFile } from '../shared/files/take-lock-file.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';

/** How long a write waits for another writer's lock unless told otherwise: 30 s. */
export const DEFAULT_MEMORY_LOCK_WAIT_MS = 30_000;

/**
 * Runs `work` holding the lock of a memory file: `<file>.lock` (`takeLockFile`, the lock of every
 * file store), holding the pid, host, start time and thread of its writer, removed when `work`
 * ends. Every store on the path, in this process or another of this host, takes it for each
 * change, so one change's read, edit and rename is never interleaved with another's (each rewrote
 * the whole file from what it had read, and the later rename dropped the earlier change). A lock
 * whose writer is gone (a process of this host that is not running, an earlier process that had
 * this pid, a file with no record older than 10 s) is taken over; a live one is waited for, at
 * most `waitMs`.
 *
 * @throws {@link MemoryError} (`operation`) when the lock is still held after `waitMs`, naming the
 *   lock file and its holder, or when the lock path is no regular file.
 * @internal
 */
export async function withMemoryFileLock<T>(
  file: string,
  { operation, waitMs }: { operation: MemoryOperation; waitMs: number },
  work: () => Promise<T>,
): Promise<T> {
  const lockFile = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  let pause = 2;
  for (;;) {
    const found = await takeLockFile(lockFile, { mode: 0o600 });
    if (found.status === 'taken') {
      try {
        return await work();
      } finally {
        await found.lock.release();
      }
    }
    if (found.status === 'not-a-file') {
      throw new MemoryError({
        operation,
        path: file,
        message: `The memory file's lock file ${lockFile} is not a regular file (a FIFO, a device, a folder); remove it.`,
      });
    }
    if (Date.now() >= deadline) {
      const { holder } = found;
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
}
